import XCTest
import ReplyQACore
import MailIngest

/// Builds raw messages with CRLF-free headers for the parser tests.
func message(_ headers: [String], _ body: String) -> [UInt8] {
    Array((headers.joined(separator: "\n") + "\n\n" + body).utf8)
}

final class MimeParserTests: XCTestCase {
    let parser = MimeParser()

    func testDecodesEncodedWordsAddressesAndDate() throws {
        let raw = message([
            "From: =?iso-8859-1?q?J=FCrgen_M=FCller?= <j.mueller@post.example>",
            "To: Support <support@example.com>, =?utf-8?b?Q2hsb8OpIE1hcnRpbg==?= <chloe@example.com>",
            "Subject: =?utf-8?q?Umtausch_Gr=C3=B6=C3=9Fe_45?= / exchange",
            "Date: Mon, 16 Nov 2026 10:02:00 +0100",
            "Message-ID: <abc@example.com>",
            "In-Reply-To: <parent@example.com>",
            "References: <root@example.com> <parent@example.com>",
        ], "Hello")
        let m = try parser.parseMessage(raw, path: "x.eml")
        XCTAssertEqual(m.from, MailAddress(name: "Jürgen Müller", address: "j.mueller@post.example"))
        XCTAssertEqual(m.to.map(\.name), ["Support", "Chloé Martin"])
        XCTAssertEqual(m.subject, "Umtausch Größe 45 / exchange")
        XCTAssertEqual(m.messageID, "abc@example.com")
        XCTAssertEqual(m.inReplyTo, "parent@example.com")
        XCTAssertEqual(m.references, ["root@example.com", "parent@example.com"])
        XCTAssertEqual(m.date, Date(timeIntervalSince1970: 1_794_819_720))
        XCTAssertEqual(m.body, "Hello")
        XCTAssertEqual(m.bodyKind, .plain)
    }

    func testRFC2231FilenameAndAttachmentsListed() throws {
        let raw = message([
            "From: a@example.com", "Subject: photo", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
        ], """
        --b1
        Content-Type: text/plain; charset=utf-8

        See the photo.
        --b1
        Content-Type: image/jpeg
        Content-Disposition: attachment; filename*=utf-8''Z%C3%BCndung.jpg
        Content-Transfer-Encoding: base64

        /9j/4AAQSkZJRg==
        --b1--
        """)
        let m = try parser.parseMessage(raw, path: "x.eml")
        XCTAssertEqual(m.body, "See the photo.")
        XCTAssertEqual(m.attachments, [Attachment(filename: "Zündung.jpg", contentType: "image/jpeg", size: 10)])
    }

    func testInlineImagesOfRelatedHTMLAreNotAttachments() throws {
        let raw = message([
            "From: a@example.com", "MIME-Version: 1.0", "Content-Type: multipart/related; boundary=r",
        ], """
        --r
        Content-Type: text/html; charset=utf-8

        <p>Logo below</p><img src="cid:logo">
        --r
        Content-Type: image/png; name=logo.png
        Content-ID: <logo>
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --r--
        """)
        let m = try parser.parseMessage(raw, path: "x.eml")
        XCTAssertEqual(m.body, "Logo below")
        XCTAssertTrue(m.attachments.isEmpty)
    }

    func testPrefersHTMLInAlternativeAndKeepsQuoteLine() throws {
        let raw = message([
            "From: a@example.com", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=alt",
        ], """
        --alt
        Content-Type: text/plain; charset=utf-8

        Plain version
        --alt
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        <div>Hi there,</div><div><br></div><div>Fixed =E2=80=94 done.</div>\
        <div class=3D"gmail_quote">On Mon, Bob wrote:<blockquote>Help</blockquote></div>
        --alt--
        """)
        let m = try parser.parseMessage(raw, path: "x.eml")
        XCTAssertEqual(m.bodyKind, .html)
        XCTAssertEqual(m.body, "Hi there,\n\nFixed — done.\nOn Mon, Bob wrote:\n> Help")
        XCTAssertEqual(m.quoteStartLine, 3)
    }

    func testCharsets() throws {
        func body(_ charset: String, _ encoding: String, _ bytes: String) throws -> MailMessage {
            let raw = message(["From: a@example.com", "MIME-Version: 1.0",
                               "Content-Type: text/plain; charset=\(charset)", "Content-Transfer-Encoding: \(encoding)"], bytes)
            return try parser.parseMessage(raw, path: "x.eml")
        }
        XCTAssertEqual(try body("iso-8859-1", "quoted-printable", "J=FCrgen Gr=FC=DFe").body, "Jürgen Grüße")
        // ISO-8859-1 labels are read as Windows-1252, which has curly quotes at 0x92.
        XCTAssertEqual(try body("iso-8859-1", "quoted-printable", "don=92t").body, "don’t")
        XCTAssertEqual(try body("windows-1252", "quoted-printable", "=93quoted=94 =80").body, "“quoted” €")
        XCTAssertEqual(try body("koi8-r", "quoted-printable", "=F0=D2=C9=D7=C5=D4").body, "Привет")
        XCTAssertEqual(try body("utf-8", "base64", "Q2Fmw6kg4piV").body, "Café ☕")
        let unknown = try body("x-no-such-charset", "quoted-printable", "caf=C3=A9")
        XCTAssertEqual(unknown.body, "café")
        XCTAssertTrue(unknown.warnings.contains { $0.contains("unknown charset") }, "\(unknown.warnings)")
        let broken = try body("utf-8", "quoted-printable", "ok =FF=FE end")
        XCTAssertEqual(broken.body, "ok \u{FFFD}\u{FFFD} end")
        // Undeclared 8-bit text that is not UTF-8 is read as Windows-1252.
        let raw: [UInt8] = Array("From: a@example.com\n\nna".utf8) + [0xEF] + Array("ve".utf8)
        XCTAssertEqual(try parser.parseMessage(raw, path: "x.eml").body, "naïve")
    }

    func testFormatFlowedBody() throws {
        let raw = message(["From: a@example.com", "MIME-Version: 1.0",
                           "Content-Type: text/plain; charset=utf-8; format=flowed"],
                          "This is a long line that was \nwrapped by the client.\n\n-- \nSig")
        let m = try parser.parseMessage(raw, path: "x.eml")
        XCTAssertEqual(m.bodyKind, .flowed)
        XCTAssertEqual(m.body, "This is a long line that was wrapped by the client.\n\n-- \nSig")
    }

    func testMboxReadsEveryMessageAndUnescapesFromLines() throws {
        let mbox = """
        From a@example.com Mon Nov 16 10:00:00 2026
        From: a@example.com
        Message-ID: <one@example.com>

        First body
        >From the start of a line

        From b@example.com Mon Nov 16 11:00:00 2026
        From: b@example.com
        Message-ID: <two@example.com>

        Second body

        """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).mbox")
        try mbox.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        var messages: [MailMessage] = []
        parser.parseMbox(path: url.path) { if case .success(let m) = $0 { messages.append(m) } }
        XCTAssertEqual(messages.map(\.messageID), ["one@example.com", "two@example.com"])
        XCTAssertEqual(messages.map(\.index), [0, 1])
        XCTAssertTrue(messages[0].body.contains("From the start of a line"), messages[0].body)
    }

    func testRejectsWhatIsNotMail() {
        XCTAssertThrowsError(try parser.parseMessage([], path: "e")) { XCTAssertEqual(($0 as! IngestError).reason, "empty file") }
        XCTAssertThrowsError(try parser.parseMessage([0x7F, 0x45, 0x4C, 0x46, 0, 0, 1], path: "b")) {
            XCTAssertTrue(($0 as! IngestError).reason.contains("binary"))
        }
        XCTAssertThrowsError(try parser.parseMessage(Array("just some words\nmore".utf8), path: "t")) {
            XCTAssertTrue(($0 as! IngestError).reason.contains("not an email"))
        }
    }

    func testLimitsAreEnforcedWithClearMessages() throws {
        var limits = Limits()
        limits.maxMimeDepth = 5
        limits.maxMessageBytes = 1000
        let small = MimeParser(limits: limits)
        XCTAssertThrowsError(try small.parseMessage(message(["From: a@example.com"], String(repeating: "x", count: 2000)), path: "big")) {
            XCTAssertTrue(($0 as! IngestError).reason.contains("over the limit"))
        }
        var headers = ["From: a@example.com", "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=b0"]
        var body = ""
        for level in 0..<8 {
            body += "--b\(level)\nContent-Type: multipart/mixed; boundary=b\(level + 1)\n\n"
        }
        body += "--b8\nContent-Type: text/plain\n\ndeep text\n--b8--\n"
        headers.append("X-Test: nested")
        let m = try MimeParser(limits: { var l = Limits(); l.maxMimeDepth = 5; return l }())
            .parseMessage(message(headers, body), path: "deep")
        XCTAssertEqual(m.body, "")
        XCTAssertTrue(m.warnings.contains { $0.contains("deeper than 5") }, "\(m.warnings)")
    }
}
