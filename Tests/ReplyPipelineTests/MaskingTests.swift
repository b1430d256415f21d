import MailIngest
import ReplyPipeline
import ReplyQACore
import XCTest

/// Customer data is masked because its rule says it is customer data, not because its id is on a list.
final class MaskingTests: XCTestCase {
    /// Reports every run of digits under a rule of its own, as customer data or not.
    struct DigitsChecker: Checker {
        let rule: RuleDescription
        var name: String { "digits" }
        var rules: [RuleDescription] { [rule] }
        func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
            guard let r = reply.authored.range(of: #"\d+"#, options: .regularExpression) else { return [] }
            return [rule.finding(span: reply.authored.span(of: r), message: "digits")]
        }
    }

    func run(sensitive: Bool) -> ReplyRecord {
        let rule = RuleDescription(id: "account-digits", category: .privacy, severity: .error, summary: "Digits.",
                                   triggers: [], passes: [], sensitive: sensitive)
        let message = MailMessage(path: "/batch/r.eml", messageID: "r@acme.example",
                                  from: MailAddress(name: "Maya", address: "maya@acme.example"),
                                  to: [MailAddress(name: "Linda", address: "linda@home.example")], subject: "Account",
                                  headers: ["from": "maya@acme.example"], body: "Your account is 1234567890123.", bodyKind: .plain)
        var config = Configuration()
        config.supportDomains = ["acme.example"]
        return BatchProcessor(config: config, checkers: CheckerRegistry([DigitsChecker(rule: rule)])).run(messages: [message]).replies[0]
    }

    func testASensitiveRulesTextIsMaskedEverywhere() throws {
        let masked = run(sensitive: true)
        XCTAssertEqual(masked.redactedAuthored, "Your account is •••••••••0123.")
        XCTAssertEqual(masked.summary.findings.map(\.text), ["•••••••••0123"])
        let json = String(decoding: try JSONEncoder().encode(BatchDocument(replies: [masked], includeFindings: true)), as: UTF8.self)
        XCTAssertFalse(json.contains("1234567890123"), json)
        XCTAssertFalse(json.contains("sensitive"), "the flag is not written out: \(json)")
        XCTAssertEqual(run(sensitive: false).redactedAuthored, "Your account is 1234567890123.")
    }
}
