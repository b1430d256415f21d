import XCTest
import ReplyQACore
import Scoring

final class ScorerTests: XCTestCase {
    let rules = [RuleDescription(id: "spelling", category: .spelling, severity: .warning, summary: "", triggers: [], passes: []),
                 RuleDescription(id: "card-number", category: .privacy, severity: .error, summary: "", triggers: [], passes: [],
                                 autoFail: true)]
    func f(_ rule: String, _ c: Category, _ s: Severity) -> Finding { Finding(category: c, rule: rule, severity: s,
                                                                              span: Span(start: 0, end: 1), message: "") }

    func testScoresOnlyCheckedCategoriesWithDiminishingRepeats() {
        let scorer = Scorer(options: ScorecardOptions(), rules: rules)
        XCTAssertEqual(scorer.score([]), ReplyScore(overall: 100, categories: ["spelling": 100, "privacy": 100], autoFailed: []))
        let s = scorer.score([f("spelling", .spelling, .warning), f("spelling", .spelling, .warning), f("spelling", .spelling, .warning)])
        XCTAssertEqual(s.categories["spelling"], 83)  // 10 + 5 + 2.5
        XCTAssertEqual(s.overall, 92)
    }

    func testAutoFailAndWeights() {
        var options = ScorecardOptions()
        options.weights = ["spelling": 3]
        let scorer = Scorer(options: options, rules: rules)
        XCTAssertEqual(scorer.score([f("card-number", .privacy, .error)]).overall, 0)
        XCTAssertEqual(scorer.score([f("card-number", .privacy, .error)]).autoFailed, ["card-number"])
        options.autoFail = []
        XCTAssertEqual(Scorer(options: options, rules: rules).score([f("card-number", .privacy, .error)]).overall, 93)  // (3*100 + 70) / 4
    }

    /// The rules say which of them fail a reply; a configured list replaces what they say.
    func testTheRulesSayWhatFailsUnlessTheScorecardSays() {
        XCTAssertEqual(Scorer(options: ScorecardOptions(), rules: rules).autoFailRules, ["card-number"])
        var options = ScorecardOptions()
        options.autoFail = ["spelling"]
        let scorer = Scorer(options: options, rules: rules)
        XCTAssertEqual(scorer.score([f("spelling", .spelling, .warning), f("card-number", .privacy, .error)]).autoFailed, ["spelling"])
    }
}

final class EmptyReplyScoreTests: XCTestCase {
    func testAnEmptyReplyScoresZeroAndFails() {
        let rules = [RuleDescription(id: "empty-reply", category: .privacy, severity: .error, summary: "", triggers: [], passes: []),
                     RuleDescription(id: "spelling", category: .spelling, severity: .warning, summary: "", triggers: [], passes: [])]
        var options = ScorecardOptions()
        options.autoFail = []  // whatever the list, an empty reply fails
        let finding = Finding(category: .privacy, rule: "empty-reply", severity: .error, span: Span(start: 0, end: 0), message: "")
        let score = Scorer(options: options, rules: rules).score([finding], emptyReply: true)
        XCTAssertEqual(score, ReplyScore(overall: 0, categories: ["privacy": 0, "spelling": 0], autoFailed: ["empty-reply"]))
    }
}
