import XCTest
import ReplyPipeline
import ReplyQACore

/// Every rule of every registered checker, run on its own examples: each trigger must produce
/// exactly its «marked» findings and no passing example may produce one. This is the only test a
/// new rule needs.
final class RuleExamplesTests: XCTestCase {
    static let registry: CheckerRegistry = try! StandardCheckers.make(config: Configuration())

    func testEveryRuleHasMarkedExamples() {
        XCTAssertGreaterThan(Self.registry.rules.count, 100)
        for rule in Self.registry.rules {
            XCTAssertFalse(rule.triggers.isEmpty, "\(rule.id) has no triggering example")
            XCTAssertFalse(rule.passes.isEmpty, "\(rule.id) has no passing example")
            for example in rule.triggers {
                guard case .success(let e) = RuleExample.parse(example) else { continue }
                XCTAssertFalse(e.spans.isEmpty, "\(rule.id): triggering example without «markers»: \(example)")
            }
        }
    }

    func testEveryRuleIdIsUnique() {
        var seen: [String: Int] = [:]
        for rule in Self.registry.rules { seen[rule.id, default: 0] += 1 }
        XCTAssertEqual(seen.filter { $0.value > 1 }.keys.sorted(), [])
    }

    func testEveryRuleExample() {
        for checker in Self.registry.checkers {
            for rule in checker.rules {
                for (example, triggers) in rule.triggers.map({ ($0, true) }) + rule.passes.map({ ($0, false) }) {
                    check(example, triggers: triggers, rule: rule, checker: checker)
                }
            }
        }
    }

    /// A triggering example gives exactly its marked findings, a passing one none.
    func check(_ example: String, triggers: Bool, rule: RuleDescription, checker: any Checker) {
        let e: RuleExample
        switch RuleExample.parse(example) {
        case .success(let parsed): e = parsed
        case .failure(let error): XCTFail("\(rule.id): \(error.reason) in “\(example)”"); return
        }
        let output = checker.analyze(e.reply, in: CheckContext(config: Configuration(), batch: e.batch))
        let found = output.spans(of: rule.id)
        let shown = found.map { e.text.text(at: $0) }
        // A finding says what its rule's description says: the facts are written once.
        for f in output.findings where f.rule == rule.id {
            XCTAssertEqual([f.category.rawValue, f.severity.rawValue, "\(f.sensitive)"],
                           [rule.category.rawValue, rule.severity.rawValue, "\(rule.sensitive)"], "\(rule.id) on “\(e.text)”")
        }
        if triggers {
            XCTAssertEqual(found, e.spans,
                           "\(rule.id) on “\(e.text)”: found \(shown), expected \(e.spans.map { e.text.text(at: $0) })")
        } else {
            XCTAssertEqual(shown, [], "\(rule.id) must not trigger on “\(e.text)”")
        }
    }

    /// The auto-fail and sensitive rules are what their descriptions say, and the defaults follow them.
    func testAutoFailAndSensitiveRulesComeFromTheDescriptions() throws {
        let rules = Self.registry.rules
        let sensitive = Set(rules.filter(\.sensitive).map(\.id)), failing = rules.autoFailing
        XCTAssertTrue(sensitive.isSuperset(of: ["card-number", "iban", "ssn", "password-in-clear", "api-key"]), "\(sensitive)")
        XCTAssertTrue(Set(failing).isSuperset(of: sensitive.union(["template-placeholder", "internal-note", "hostility"])), "\(failing)")
        XCTAssertFalse(failing.contains("wrong-name"))
        let result = BatchProcessor(config: Configuration(), checkers: Self.registry).run(messages: [])
        XCTAssertEqual(result.autoFailRules, rules.autoFailing)
    }

    func testFrontMatterIsReadAndUnknownKeysAreRefused() throws {
        let e = try RuleExample.parse("[channel: chat | macro: password-reset | question: Where is my order?] Hi «there»").get()
        XCTAssertEqual(e.channel, "chat")
        XCTAssertEqual(e.macro, "password-reset")
        XCTAssertEqual(e.question, "Where is my order?")
        XCTAssertEqual(e.text, "Hi there")
        XCTAssertEqual(e.spans, [Span(start: 3, end: 8)])
        XCTAssertEqual(try RuleExample.parse("[social] Hi 🙂").get().channel, "social")
        XCTAssertEqual(try RuleExample.parse("Hi").get().question, RuleExample.defaultQuestion)
        guard case .failure(let error) = RuleExample.parse("[chanel: chat] Hi") else { return XCTFail("an unknown key is refused") }
        XCTAssertTrue(error.reason.contains("chanel: chat"), error.reason)
    }
}
