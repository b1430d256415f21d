import XCTest
import ReplyQACore
@testable import Tone

/// Tone's rules beyond their own examples (which the generic example test runs).
final class ToneRuleTests: XCTestCase {
    static let checker: ToneChecker = {
        let locator = DictionaryLocator(config: Configuration())
        return try! ToneChecker(lexicon: ToneLexicon.load(language: "en", locator: locator))
    }()

    /// Every dimension has at least one cue or check that earns or costs it points.
    func testEveryDimensionHasARule() {
        let covered = Set(Self.checker.rules.map(\.category))
        for d in ToneAnalyzer.dimensions { XCTAssertTrue(covered.contains(d), "no rule for \(d)") }
    }
}

extension ToneRuleTests {
    /// Every regular expression of every cue is shown working by at least one of its trigger examples.
    func testEveryPatternHasATriggeringExample() throws {
        for cue in Self.checker.analyzer.lexicon.cues {
            let texts = cue.examples.trigger.map { RuleDescription.parseExample($0).text.replacingOccurrences(of: "’", with: "'") }
            for pattern in cue.patterns {
                let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                let shown = texts.contains { regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
                XCTAssertTrue(shown, "\(cue.id): no trigger example for \(pattern)")
            }
        }
    }
}
