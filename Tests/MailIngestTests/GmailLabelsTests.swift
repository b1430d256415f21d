import XCTest
@testable import MailIngest

final class GmailLabelsTests: XCTestCase {
    func testLabelsAreSplitOnCommasOutsideQuotes() {
        XCTAssertEqual(GmailLabels.parse(#"Inbox,"Returns, EU",Support/Shipping , Opened"#),
                       ["Inbox", "Returns, EU", "Support/Shipping", "Opened"])
        XCTAssertEqual(GmailLabels.parse(#""Say \"hi\"",Sent"#), [#"Say "hi""#, "Sent"])
        XCTAssertEqual(GmailLabels.parse(""), [])
        XCTAssertEqual(GmailLabels.parse(",,Inbox,"), ["Inbox"])
        XCTAssertEqual(GmailLabels.parse(#""unterminated, label"#), ["unterminated, label"], "an open quote runs to the end")
    }

    func testNestedLabelsMatchTheirParent() {
        XCTAssertTrue(GmailLabels.label("Support/Shipping", isOrIsUnder: "support"))
        XCTAssertTrue(GmailLabels.label("Support", isOrIsUnder: "Support/"))
        XCTAssertFalse(GmailLabels.label("Supporters", isOrIsUnder: "Support"))
        XCTAssertFalse(GmailLabels.label("Support", isOrIsUnder: "Support/Shipping"))
        XCTAssertFalse(GmailLabels.label("Support", isOrIsUnder: " "))
    }

    func testTheHeaderOfAMessage() throws {
        let raw = "X-Gmail-Labels: Sent,\r\n \"Returns, EU\"\r\nFrom: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
        let message = try MimeParser().parseMessage(Array(raw.utf8), path: "m.eml")
        XCTAssertEqual(message.gmailLabels, ["Sent", "Returns, EU"], "a folded header is unfolded first")
    }
}
