import XCTest
import ReplyQACore
import Relevance

/// The relevance rules' own examples run in the generic example test; this one checks the message
/// of the word-overlap verdict (without the sentence-embedding model).
final class RelevanceRuleTests: XCTestCase {
    static let checker = RelevanceChecker(lexicon: try! RelevanceLexicon.load(locator: DictionaryLocator(config: Configuration())))

    func run(_ example: String) throws -> (text: String, spans: [Span], found: [Finding]) {
        let e = try RuleExample.parse(example).get()
        return (e.text, e.spans, Self.checker.check(e.reply, in: CheckContext(config: Configuration(), batch: e.batch)))
    }

    func testEvidenceNamesTheMacroAndWhatIsMissing() throws {
        let r = try run(
            "[question: I returned the stove from order 48213 two weeks ago. When will I get my refund? | macro: password-reset] «To " +
                "reset your password, open the app, choose Sign in, then Forgot password.»")
        XCTAssertEqual(r.found.first?.message,
                       "The customer asked about 48213 and order; the reply is macro “password-reset” and mentions none of: 48213, " +
                           "order, refund, returned.")
    }
}
