import XCTest
import TextAnalysis

final class TokenizerTests: XCTestCase {
    let tokenizer = Tokenizer()
    func words(_ text: String) -> [String] { tokenizer.tokenize(text).filter(\.isWord).map(\.text) }
    func skipped(_ text: String) -> [String: String] {
        var r: [String: String] = [:]
        for t in tokenizer.tokenize(text) { if case .skipped(let k) = t.kind { r[t.text] = k.rawValue } }
        return r
    }

    func testWordsKeepApostrophesAndHyphens() {
        XCTAssertEqual(words("I don’t know, it's the customers' sign-in page—really."),
                       ["I", "don’t", "know", "it's", "the", "customers'", "sign-in", "page", "really"])
    }

    func testSkipZones() {
        let zones =
            skipped("See https://example.com/help?x=1, mail help@acme.example, ping @jo_runner #TrailLife, call +1 (555) 010-2040, " +
                "order #50317, ticket TCK-1234, open /var/log/app.log or report.pdf, it's 2.5 GB, use 2FA, the API and `npm install` or " +
                    "fooBar(), signed ^LF")
        XCTAssertEqual(zones["https://example.com/help?x=1"], "url")
        XCTAssertEqual(zones["help@acme.example"], "email")
        XCTAssertEqual(zones["@jo_runner"], "handle")
        XCTAssertEqual(zones["#TrailLife"], "hashtag")
        XCTAssertEqual(zones["+1 (555) 010-2040"], "phone")
        XCTAssertEqual(zones["#50317"], "identifier")
        XCTAssertEqual(zones["TCK-1234"], "identifier")
        XCTAssertEqual(zones["/var/log/app.log"], "path")
        XCTAssertEqual(zones["report.pdf"], "path")
        XCTAssertEqual(zones["2.5 GB"], "measurement")
        XCTAssertEqual(zones["2FA"], "alphanumeric")
        XCTAssertEqual(zones["API"], "acronym")
        XCTAssertEqual(zones["`npm install`"], "code")
        XCTAssertEqual(zones["fooBar()"], "code")
        XCTAssertEqual(zones["^LF"], "initials")
        XCTAssertEqual(skipped("on 2026-11-20 or 20.11.2026")["2026-11-20"], "date")
        XCTAssertEqual(skipped("on 2026-11-20 or 20.11.2026")["20.11.2026"], "date")
        // Short digit runs are numbers, not phone numbers.
        XCTAssertEqual(tokenizer.tokenize("3 to 5 days").map(\.text), ["3", "to", "5", "days"])
    }

    func testAllCapsSkippingIsConfigurable() {
        XCTAssertEqual(Tokenizer(options: TokenizerOptions(skipAllCaps: false)).tokenize("STILL late").filter(\.isWord).map(\.text),
                       ["STILL", "late"])
        XCTAssertEqual(words("STILL late"), ["late"])
    }

    func testSpansAreScalarOffsets() {
        let text = "Café 🙂 naïve"
        let tokens = tokenizer.tokenize(text)
        XCTAssertEqual(tokens.map { text.text(at: $0.span) }, tokens.map(\.text))
        XCTAssertEqual(tokens.last?.span.start, 7)
    }

    func testSentences() {
        let text = "Hi Linda,\n\nI'm sorry, e.g. the pole broke. It ships today! Does that work?\n- one item\n- another\nBest,"
        let tokens = tokenizer.tokenize(text)
        let sentences = SentenceSplitter.split(tokens).map { text.text(at: $0.span) }
        XCTAssertEqual(sentences, ["Hi Linda,", "I'm sorry, e.g. the pole broke.", "It ships today!", "Does that work?", "- one item",
                                   "- another", "Best,"])
        let wrapped = "This line was wrapped\nby the client. Next one."
        XCTAssertEqual(SentenceSplitter.split(tokenizer.tokenize(wrapped)).count, 2)
    }
}
