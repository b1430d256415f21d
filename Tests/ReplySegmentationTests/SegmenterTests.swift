import XCTest
import ReplySegmentation

final class QuoteStyleTests: XCTestCase {
    func assertSplit(_ body: String, authored: String, quoteHeader: String? = nil, question: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        let s = Segmenter.segment(body)
        XCTAssertEqual(s.authored, authored, "authored", file: file, line: line)
        if let quoteHeader { XCTAssertEqual(s.quoteHeader, quoteHeader, "quote header", file: file, line: line) }
        if let question { XCTAssertEqual(s.quotedMessage, question, "quoted message", file: file, line: line) }
    }

    func testGmailOnWrote() {
        assertSplit("Sure, done.\n\nOn Mon, Nov 16, 2026 at 9:14 AM Linda Park <linda@example.com> wrote:\n> Can you help?\n> \n> Linda",
                    authored: "Sure, done.", quoteHeader: "On Mon, Nov 16, 2026 at 9:14 AM Linda Park <linda@example.com> wrote:",
                    question: "Can you help?\n\nLinda")
    }

    func testWrappedOnWroteHeader() {
        assertSplit("Fixed.\n\nOn Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@example.com>\nwrote:\n\n> Was this caching related?",
                    authored: "Fixed.", question: "Was this caching related?")
    }

    func testOutlookOriginalMessage() {
        assertSplit(
            "We refunded it.\n\n-----Original Message-----\nFrom: Ann <ann@example.com>\nSent: Monday, November 16, 2026 9:14 AM\nTo: " +
                "support@example.com\nSubject: Refund\n\nWhere is my refund?",
                    authored: "We refunded it.", question: "Where is my refund?")
    }

    func testOutlookHeaderBlockUnderSeparator() {
        assertSplit(
            "Done.\n\n________________________________\nFrom: Ann <ann@example.com>\nSent: Monday, November 16, 2026 9:14 AM\nTo: " +
                "Support\nSubject: Help\n\nPlease help with my order.",
                    authored: "Done.", question: "Please help with my order.")
        // With bold markers, as Outlook's plain part renders them.
        assertSplit(
            "Outlook with a reply\n\n *From:* Team [mailto:a@example.com]\n*Sent:* Thursday, February 09, 2012 1:36 PM\n*To:* " +
                "jow@example.com\n*Subject:* Updated\n\nBody",
                    authored: "Outlook with a reply")
    }

    func testGermanFrenchSpanishHeaders() {
        assertSplit("Gern geschehen.\n\nAm 16.11.2026 um 10:02 schrieb Jürgen Müller <j@example.com>:\n> Danke!",
                    authored: "Gern geschehen.", question: "Danke!")
        assertSplit("Avec plaisir.\n\nLe lun. 16 nov. 2026 à 16:40, Chloé Martin <c@example.com> a écrit :\n> Merci",
                    authored: "Avec plaisir.", question: "Merci")
        assertSplit("Claro.\n\nEl vie, 20 nov 2026 a las 11:11, Olivia (<o@example.com>) escribió:\n> Hola",
                    authored: "Claro.", question: "Hola")
        assertSplit(
            "Erledigt.\n\n-----Ursprüngliche Nachricht-----\nVon: Anna <a@example.com>\nGesendet: Montag, 16. November 2026 10:02\nAn: " +
                "support@example.com\nBetreff: Hilfe\n\nBitte helfen",
                    authored: "Erledigt.", question: "Bitte helfen")
        assertSplit(
            "Hecho.\n\nDe: Ana <a@example.com>\nEnviado: lunes, 16 de noviembre de 2026 10:02\nPara: soporte@example.com\nAsunto: " +
                "Ayuda\n\nAyuda por favor",
                    authored: "Hecho.", question: "Ayuda por favor")
    }

    func testAttributionLineBeforeQuotedBlock() {
        assertSplit("Hi. I am fine.\n\n26.06.2014, 14:41, \"Alexander L\" <abc@example.com>:\n> Hello! How are you?",
                    authored: "Hi. I am fine.", question: "Hello! How are you?")
    }

    func testSentenceStartingWithOnIsNotAHeader() {
        let s = Segmenter.segment(
            "On your remote host you can run:\n\n  telnet 127.0.0.1 52698\n\nOn 9 Jan 2014, at 2:47, George wrote:\n\n> odd issue")
        XCTAssertTrue(s.authored.hasPrefix("On your remote host you can run:"))
        XCTAssertEqual(s.quoteHeader, "On 9 Jan 2014, at 2:47, George wrote:")
    }

    func testInterleavedBottomPostedReply() {
        let body =
            "On Tue, Apr 29, 2014 at 4:22 PM, Dev <dev@example.com> wrote:\n\n> first question?\n\nFirst answer.\n\n> second " +
                "question?\n\nSecond answer.\n\n--\nMy signature"
        let s = Segmenter.segment(body)
        XCTAssertEqual(s.authored, "First answer.\n\nSecond answer.")
        XCTAssertEqual(s.signature, "--\nMy signature")
        XCTAssertEqual(s.quotedMessage, "first question?\n\nsecond question?")
        XCTAssertEqual(s.fragments.count, 2)
        XCTAssertEqual(s.authoredLineMap, [4, -1, 8])
    }

    func testHTMLQuoteContainerHint() {
        let s = Segmenter.segment("Thanks, fixed.\nOn Thu, Alex wrote:\n> Hello", quoteStartLine: 1)
        XCTAssertEqual(s.authored, "Thanks, fixed.")
        XCTAssertEqual(s.quotedMessage, "Hello")
    }

    func testNoQuoteAtAll() {
        let s = Segmenter.segment("Two:\n- a bullet\n- Another Bullet\n\nA closing paragraph.")
        XCTAssertEqual(s.authored, "Two:\n- a bullet\n- Another Bullet\n\nA closing paragraph.")
        XCTAssertNil(s.quoted)
        XCTAssertNil(s.signature)
        XCTAssertNil(s.quotedMessage)
    }
}

final class SignatureAndFooterTests: XCTestCase {
    func testDashDashDelimiter() {
        let s = Segmenter.segment("Body text.\n\n-- \nRick\nCTO")
        XCTAssertEqual(s.authored, "Body text.")
        XCTAssertEqual(s.signature, "-- \nRick\nCTO")
        XCTAssertEqual(Segmenter.segment("A fix -- this is not a signature.").signature, nil)
    }

    func testSignOffKeepsTheCloseAndCutsTheContactBlock() {
        let s = Segmenter.segment("Hi Linda,\n\nIt ships today.\n\nBest regards,\nMaya Chen\nCustomer Care | Northwind\n+1 (555) 010-2040")
        XCTAssertEqual(s.authored, "Hi Linda,\n\nIt ships today.\n\nBest regards,")
        XCTAssertEqual(s.signature, "Maya Chen\nCustomer Care | Northwind\n+1 (555) 010-2040")
        XCTAssertEqual(s.newText, "Hi Linda,\n\nIt ships today.\n\nBest regards,\nMaya Chen\nCustomer Care | Northwind\n+1 (555) 010-2040")
    }

    func testSignOffFollowedBySentencesIsNotASignature() {
        let body = "Hi,\n\nThanks,\nI checked your order and it will be delivered on Friday morning by the courier service."
        XCTAssertNil(Segmenter.segment(body).signature)
    }

    func testMobileSignatures() {
        XCTAssertEqual(Segmenter.segment("Here is another email\n\nSent from my iPhone").authored, "Here is another email")
        XCTAssertEqual(Segmenter.segment("Antwort\n\nVon meinem iPhone gesendet").authored, "Antwort")
        let desk = "Here is another email\n\nSent from my desk, is much easier then my mobile phone."
        XCTAssertEqual(Segmenter.segment(desk).authored, desk)
    }

    func testDashNameSignature() {
        let s = Segmenter.segment("Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona")
        XCTAssertEqual(s.authored, "Oh thanks.\n\nHaving the function would be great.")
        XCTAssertEqual(s.signature, "-Abhishek Kona")
    }

    func testLegalFooterAndListTrailer() {
        let s = Segmenter.segment(
            "Hi,\n\nAll done.\n\nTom\n\nThis email and any attachments are confidential and intended solely for the addressee.")
        XCTAssertEqual(s.authored, "Hi,\n\nAll done.\n\nTom")
        XCTAssertEqual(s.footer, "This email and any attachments are confidential and intended solely for the addressee.")
        let list =
            Segmenter.segment(
                "Question here?\n\n_______________________________________________\nriak-users mailing list\nriak-users@lists.example.com")
        XCTAssertEqual(list.authored, "Question here?")
        XCTAssertNotNil(list.footer)
        // The word alone in a sentence is not a footer.
        XCTAssertNil(Segmenter.segment("Hi,\n\nYour details stay confidential with us.\n\nThanks").footer)
    }

    func testLongLinesStayFast() {
        let long = String(repeating: "ACGT", count: 200_000)
        let body = "Reply\n\nOn Dec 8, 2013 2:10 PM, \"J\" <j@example.com> wrote:\n\n> " + long + "\n> more"
        let start = Date()
        let s = Segmenter.segment(body)
        XCTAssertEqual(s.authored, "Reply")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
    }
}
