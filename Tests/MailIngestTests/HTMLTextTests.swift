import XCTest
import MailIngest

final class HTMLTextTests: XCTestCase {
    func text(_ html: String) -> String { HTMLText.convert(html).text }

    func testParagraphsAndLineBreaks() {
        XCTAssertEqual(text("<p>One</p><p>Two<br>lines</p>"), "One\n\nTwo\nlines")
        XCTAssertEqual(text("<div>Hi.</div><div><br></div><div>Thanks,</div><div>Alex</div>"), "Hi.\n\nThanks,\nAlex")
        XCTAssertEqual(text("  Hello\n   world  &amp; friends&nbsp;!"), "Hello world & friends !")
    }

    func testOutlookParagraphsAreLines() {
        let html =
            "<p class=MsoNormal>Hi.<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Thanks,<o:p></o:p></p><p " +
                "class=MsoNormal>Alex<o:p></o:p></p>"
        XCTAssertEqual(text(html), "Hi.\n\nThanks,\nAlex")
    }

    func testListsLinksAndTables() {
        XCTAssertEqual(
            text("<p>Steps:</p><ol><li>Open <a " +
                "href=\"https://x.example\">settings</a></li><li>Save</li></ol><ul><li>a<ul><li>b</li></ul></li></ul>"),
                       "Steps:\n\n1. Open settings\n2. Save\n\n- a\n  - b")
        XCTAssertEqual(text("<table><tr><td>Order</td><td>50317</td></tr><tr><td>Total</td><td>$10</td></tr></table>"),
                       "Order 50317\nTotal $10")
    }

    func testDropsScriptsStylesAndHead() {
        XCTAssertEqual(
            text("<html><head><title>T</title><style>p{}</style></head><body><script>alert(1)</script><p>Body</p></body></html>"), "Body")
    }

    func testBlockquotesArePrefixedAndQuoteContainersMarked() {
        let r = HTMLText.convert(
            "<div>Reply</div><div class=\"gmail_quote\">On Mon, A " +
                "wrote:<blockquote><div>Question?</div><blockquote>Older</blockquote></blockquote></div>")
        XCTAssertEqual(r.text, "Reply\nOn Mon, A wrote:\n> Question?\n>> Older")
        XCTAssertEqual(r.quoteStartLine, 1)
        let moz =
            HTMLText.convert(
                "Answer<br><div class=\"moz-cite-prefix\">On 1.2.2026, B wrote:<br></div><blockquote type=\"cite\">Q</blockquote>")
        // libxml2 wraps the leading bare text in an implied <p>, hence the blank line.
        XCTAssertEqual(moz.text, "Answer\n\nOn 1.2.2026, B wrote:\n> Q")
        XCTAssertEqual(moz.quoteStartLine, 2)
        XCTAssertNil(HTMLText.convert("<p>No quote here</p>").quoteStartLine)
    }

    func testPreKeepsWhitespace() {
        XCTAssertEqual(text("<p>Run:</p><pre>  telnet 127.0.0.1\n  exit</pre>"), "Run:\n\n  telnet 127.0.0.1\n  exit")
    }

    func testBrokenAndDeepHTMLDoesNotCrash() {
        XCTAssertEqual(text("<p>Unclosed <b>bold <i>text"), "Unclosed bold text")
        let deep = String(repeating: "<div>", count: 5000) + "deep" + String(repeating: "</div>", count: 5000)
        _ = text(deep)  // must return, whatever libxml2 keeps
        XCTAssertEqual(text(""), "")
    }
}

final class FormatFlowedTests: XCTestCase {
    func testJoinsSoftBreaksAndUnstuffs() {
        XCTAssertEqual(FormatFlowed.decode("one \ntwo\n From here", delSp: false), "one two\nFrom here")
        XCTAssertEqual(FormatFlowed.decode("split wo \nrd", delSp: true), "split word")
        XCTAssertEqual(FormatFlowed.decode("> quoted \n> more\nnew", delSp: false), "> quoted more\nnew")
        XCTAssertEqual(FormatFlowed.decode("-- \nSig", delSp: false), "-- \nSig")
    }
}
