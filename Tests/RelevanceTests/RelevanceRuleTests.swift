import XCTest
import ReplyQACore
import Relevance

/// Runs the relevance rules' examples, written "Q: customer message | A: reply" (or
/// "| A(macro NAME): reply" for a reply built from an approved macro).
final class RelevanceRuleTests: XCTestCase {
    static let checker = RelevanceChecker(lexicon: try! RelevanceLexicon.load(locator: DictionaryLocator(config: Configuration())))

    func run(_ example: String) -> (text: String, spans: [Span], found: [Finding], rule: String?) {
        let parts = example.components(separatedBy: " | A")
        let question = String(parts[0].dropFirst(3))
        var answer = parts[1]
        var macro: String? = nil
        if answer.hasPrefix("(macro ") {
            let close = answer.firstIndex(of: ")")!
            macro = String(answer[answer.index(answer.startIndex, offsetBy: 7)..<close])
            answer = String(answer[answer.index(after: close)...])
        }
        answer = String(answer.dropFirst(2))  // ": "
        let (text, spans) = RuleDescription.parseExample(answer)
        let reply = Reply(file: "x", messageID: "m", agent: "Sam", channel: "email", date: nil, subject: nil, fromAddress: nil,
                          recipients: [], authored: text, signature: nil, footer: nil, quoted: nil,
                          question: CustomerQuestion(text: question, source: .thread), attachments: [])
        var batch = BatchContext()
        if let macro { batch.canned[reply.key] = CannedReply(count: 1, agents: ["Sam"], macro: macro) }
        return (text, spans, Self.checker.check(reply, in: CheckContext(config: Configuration(), batch: batch)), macro)
    }

    func testEveryRuleExample() {
        for rule in Self.checker.rules {
            XCTAssertFalse(rule.triggers.isEmpty || rule.passes.isEmpty, rule.id)
            for example in rule.triggers {
                let r = run(example)
                XCTAssertEqual(r.found.filter { $0.rule == rule.id }.map(\.span), r.spans, "\(rule.id): \(example) -> \(r.found.map(\.message))")
            }
            for example in rule.passes {
                XCTAssertEqual(run(example).found.filter { $0.rule == rule.id }.map(\.message), [], "\(rule.id) must not trigger: \(example)")
            }
        }
    }

    func testEvidenceNamesTheMacroAndWhatIsMissing() {
        let r = run(Self.checker.rules[0].triggers[0])
        XCTAssertEqual(r.found.first?.message,
                       "The customer asked about 48213 and order; the reply is macro “password-reset” and mentions none of: 48213, order, refund, returned.")
    }
}
