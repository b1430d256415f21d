import XCTest
import ReplyQACore
@testable import Aggregation

final class StatisticsTests: XCTestCase {
    func testMeanWithStudentTInterval() {
        let m = Statistics.mean([1, 2, 3, 4, 5])
        XCTAssertEqual(m.mean, 3)
        // sd 1.581, se 0.707, t(4) = 2.776: half-width 1.963.
        XCTAssertEqual(m.low, 1.0)
        XCTAssertEqual(m.high, 5.0)
        XCTAssertEqual(m.standardError, 0.707)
        XCTAssertNil(Statistics.mean([80]).low, "one value has no interval")
        XCTAssertEqual(Statistics.scoreMean([0, 100, 0, 100]).low, 0, "score intervals stay within 0-100")
        XCTAssertEqual(Statistics.scoreMean([0, 100, 0, 100]).high, 100)
    }

    func testWilsonInterval() {
        let none = Statistics.wilson(0, 10)
        XCTAssertEqual(none.rate, 0)
        XCTAssertEqual(none.low, 0)
        XCTAssertEqual(none.high, 0.278)
        let half = Statistics.wilson(5, 10)
        XCTAssertEqual(half.low, 0.237)
        XCTAssertEqual(half.high, 0.763)
        XCTAssertEqual(Statistics.wilson(0, 0).high, 1, "nothing observed: anything is possible")
    }

    func testChangesAreCalledOnlyAboveTheNoise() {
        let a = Statistics.mean([80, 82, 78, 81, 79, 80]), b = Statistics.mean([90, 91, 89, 92, 88, 90])
        XCTAssertTrue(Statistics.clearlyDifferent(a, b))
        let noisy = Statistics.mean([50, 100, 60, 95, 70])
        XCTAssertFalse(Statistics.clearlyDifferent(a, noisy))
        let trend = AgentTrend(agent: "Maya", weeks: [WeekPoint(week: "2026-W47", overall: b), WeekPoint(week: "2026-W46", overall: a)])
        XCTAssertEqual(trend.weeks.map(\.week), ["2026-W46", "2026-W47"])
        XCTAssertEqual(trend.change?.clear, true)
        XCTAssertEqual(trend.change?.delta, 10)
        XCTAssertTrue(trend.change?.summary.hasPrefix("Up 10.0 points") ?? false, trend.change?.summary ?? "")
        let flat = AgentTrend(agent: "Tom", weeks: [WeekPoint(week: "2026-W46", overall: a), WeekPoint(week: "2026-W47", overall: noisy)])
        XCTAssertEqual(flat.change?.clear, false)
        XCTAssertTrue(flat.change?.summary.hasPrefix("No clear change") ?? false)
    }
}

final class AggregatorTests: XCTestCase {
    func reply(_ agent: String, _ channel: String, overall: Int, categories: [String: Int] = [:], findings: [FindingSummary] = [],
               evidence: [EvidenceSummary] = [], autoFailed: [String] = [], words: Int = 50) -> ReplySummary {
        ReplySummary(id: UUID().uuidString, file: "\(agent)-\(overall).eml", messageID: nil, agent: agent, channel: channel,
                     date: Date(timeIntervalSince1970: 1_795_000_000), words: words, overall: overall,
                     categories: categories.merging(["empathy": overall]) { a, _ in a }, autoFailed: autoFailed,
                     findings: findings, toneLabel: "neutral", tone: ["empathy": overall], evidence: evidence)
    }

    func testGroupsStatisticsAndTooFew() {
        let replies = (0..<6).map { reply("Maya", $0 % 2 == 0 ? "email" : "chat", overall: 80 + $0) } + [reply("Tom", "email", overall: 40)]
        let a = Aggregator(minimumSample: 5).aggregate(replies)
        XCTAssertEqual(a.agents.map(\.agent), ["Maya", "Tom"])
        XCTAssertEqual(a.agents[0].stats.replies, 6)
        XCTAssertFalse(a.agents[0].stats.tooFew)
        XCTAssertTrue(a.agents[1].stats.tooFew, "one reply is too few to judge")
        XCTAssertEqual(a.agents[0].channels.keys.sorted(), ["chat", "email"])
        XCTAssertTrue(a.agents[0].channels["chat"]!.tooFew)
        XCTAssertEqual(a.channels.map(\.channel), ["chat", "email"])
        XCTAssertEqual(a.channels[1].stats.replies, 4)
        XCTAssertEqual(a.team.replies, 7)
        XCTAssertEqual(a.agents[0].stats.overall.mean, 82.5)
    }

    func testStrengthsImprovementsAndMisspellingsComeWithTheAgentsOwnSentences() {
        let typo = FindingSummary(rule: "spelling", category: .spelling, severity: .warning, text: "recieve",
                                  message: "“recieve” may be misspelled")
        let blame = FindingSummary(rule: "blame", category: .patience, severity: .warning, text: "As I already told you",
                                   sentence: "As I already told you, it ships Monday.", message: "This blames the customer")
        let warmth = EvidenceSummary(category: .empathy, text: "I'm so sorry", sentence: "I'm so sorry your pole snapped.",
                                     points: 40, note: nil)
        var replies = (0..<5).map { _ in reply("Maya", "email", overall: 95, categories: ["patience": 100, "spelling": 100],
                                               evidence: [warmth]) }
        replies += (0..<5).map { i in reply("Tom", "email", overall: 60, categories: ["patience": 40, "spelling": i < 3 ? 80 : 100],
                                            findings: i < 3 ? [typo, blame] : [blame]) }
        replies[5].tone["empathy"] = 20
        let a = Aggregator(minimumSample: 5).aggregate(replies)
        let maya = a.agents[0], tom = a.agents[1]
        XCTAssertEqual(maya.strengths.first?.category, "empathy")
        XCTAssertEqual(maya.strengths.first?.examples.map(\.sentence), ["I'm so sorry your pole snapped."],
                       "the same sentence is shown once")
        XCTAssertEqual(maya.strengths.first?.examples.first?.phrase, "I'm so sorry")
        XCTAssertEqual(maya.strengths.first?.examples.first?.note, "earns 40.0 points of empathy")
        XCTAssertEqual(maya.improvements, [])
        XCTAssertEqual(tom.improvements.first?.category, "patience")
        XCTAssertEqual(tom.improvements.first?.examples.first?.sentence, "As I already told you, it ships Monday.")
        XCTAssertEqual(tom.improvements.map(\.category), ["patience", "spelling"])
        XCTAssertEqual(tom.misspellings, [AgentAggregate.Count(text: "recieve", count: 3)])
        XCTAssertEqual(tom.stats.languageErrorsPer100Words, 1.2, "3 spelling findings in 250 words")
        XCTAssertEqual(a.problems.map(\.rule), ["blame", "spelling"])
        XCTAssertEqual(a.problems[0].replies, 5)
    }

    func testImprovementAreasRestOnFindingsAtWarningOrAbove() {
        // "Please find attached" cost politeness points through a cue, and an info hint was made:
        // neither is coaching material, however low the category's mean.
        let cue = EvidenceSummary(category: .politeness, text: "Please find attached", sentence: "Please find attached the label.",
                                  points: -8, note: nil)
        let hint = FindingSummary(rule: "long-sentence", category: .clarity, severity: .info, text: "We checked...",
                                  message: "This sentence is long")
        let replies = (0..<5).map { _ in reply("Maya", "email", overall: 85, categories: ["politeness": 50, "clarity": 60],
                                               findings: [hint], evidence: [cue]) }
        let maya = Aggregator(minimumSample: 5).aggregate(replies).agents[0]
        XCTAssertEqual(maya.improvements, [], "\(maya.improvements)")
    }

    func testWorstRepliesPutFailuresFirst() {
        let replies = [reply("A", "email", overall: 50), reply("B", "email", overall: 0, autoFailed: ["card-number"]),
                       reply("C", "email", overall: 90), reply("D", "email", overall: 30)]
        let worst = Aggregator(minimumSample: 1).aggregate(replies).worst
        XCTAssertEqual(worst.map(\.index), [1, 3, 0, 2])
        XCTAssertEqual(worst[0].reasons, ["failed: card-number"])
    }

    func testSlugsAreSafeAndUnique() {
        var s = SlugMaker()
        XCTAssertEqual(s.slug("Lucía Fernández"), "lucia-fernandez")
        XCTAssertEqual(s.slug("../../etc/passwd"), "etc-passwd")
        XCTAssertEqual(s.slug("Lucia Fernandez"), "lucia-fernandez-2")
        XCTAssertEqual(s.slug("<script>"), "script")
        XCTAssertEqual(s.slug("王芳"), "unnamed")
    }

    func testWeeksAndHashes() {
        XCTAssertEqual(ReplySummary.isoWeek(Date(timeIntervalSince1970: 1_795_000_000)), "2026-W47")
        XCTAssertEqual(ReplySummary.contentHash(["a", "b"]), ReplySummary.contentHash(["a", "b"]))
        XCTAssertNotEqual(ReplySummary.contentHash(["ab", ""]), ReplySummary.contentHash(["a", "b"]))
        XCTAssertEqual(ReplySummary.contentHash(["x"]).count, 32)
    }
}
