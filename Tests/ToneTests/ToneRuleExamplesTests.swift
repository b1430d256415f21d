import XCTest
import ReplyQACore
@testable import Tone

/// Runs every tone cue's and built-in check's own examples: each trigger must produce exactly its
/// «marked» evidence, and no pass example may produce any. A new cue needs no other test.
final class ToneRuleExamplesTests: XCTestCase {
    static let checker: ToneChecker = {
        let locator = DictionaryLocator(config: Configuration())
        return try! ToneChecker(lexicon: ToneLexicon.load(language: "en", locator: locator))
    }()

    /// Spans of the evidence a rule produced for an example (findings for built-ins).
    func spans(_ rule: String, _ example: String) -> (String, [Span]) {
        let reply = ToneChecker.exampleReply(example)
        let result = Self.checker.analyze(reply, in: CheckContext(config: Configuration()))
        if ToneChecker.builtins[rule] != nil {
            return (reply.authored, Self.checker.check(reply, in: CheckContext(config: Configuration())).filter { $0.rule == rule }.map(\.span))
        }
        return (reply.authored, result.evidence.filter { $0.cue == rule }.map(\.span))
    }

    func testEveryRuleHasExamples() {
        let rules = Self.checker.rules
        XCTAssertGreaterThanOrEqual(rules.count, 30)
        for rule in rules {
            XCTAssertFalse(rule.triggers.isEmpty, "\(rule.id) has no triggering example")
            XCTAssertFalse(rule.passes.isEmpty, "\(rule.id) has no passing example")
        }
        // Every dimension has at least one cue or check that earns or costs it points.
        let covered = Set(rules.map(\.category))
        for d in ToneAnalyzer.dimensions { XCTAssertTrue(covered.contains(d), "no rule for \(d)") }
    }

    func testEveryRuleExample() {
        for rule in Self.checker.rules {
            for example in rule.triggers {
                let marked = example.hasPrefix("[") ? String(example[example.index(after: example.firstIndex(of: "]")!)...].drop { $0 == " " }) : example
                let (_, expected) = RuleDescription.parseExample(marked)
                let prefix = example.hasPrefix("[") ? String(example[...example.firstIndex(of: "]")!]) + " " : ""
                let (text, found) = spans(rule.id, prefix + RuleDescription.parseExample(marked).text)
                XCTAssertFalse(expected.isEmpty, "\(rule.id): trigger example without «markers»: \(example)")
                XCTAssertEqual(found, expected, "\(rule.id) on “\(text)”: found \(found.map { text.text(at: $0) }), expected \(expected.map { text.text(at: $0) })")
            }
            for example in rule.passes {
                let (text, found) = spans(rule.id, example)
                XCTAssertEqual(found.map { text.text(at: $0) }, [], "\(rule.id) must not trigger on “\(example)”")
            }
        }
    }
}

extension ToneRuleExamplesTests {
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
