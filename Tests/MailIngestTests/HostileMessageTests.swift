import XCTest
import Foundation
import ReplyQACore
import MailIngest

/// Messages and files built to break the reader: HTML nested past libxml2's limit, NUL bytes,
/// FIFOs and file names that are not UTF-8.
final class HostileMessageTests: XCTestCase {
    func deep(_ levels: Int, _ text: String) -> String {
        String(repeating: "<div>", count: levels) + text + String(repeating: "</div>", count: levels)
    }

    func testHTMLNestedTooDeepIsFlattenedNotEmptied() {
        let r = HTMLText.convert("<p>Hi Ann,</p>" + deep(300, "We sent the refund.") + "<p>Best, Maya</p>")
        XCTAssertTrue(r.tooDeep)
        XCTAssertEqual(r.text, "Hi Ann,\n\nWe sent the refund.\n\nBest, Maya")
        XCTAssertEqual(HTMLText.convert(deep(300, "only this")).text, "only this")
        XCTAssertEqual(HTMLText.convert(deep(5000, "very deep")).text, "very deep")
        // Code deep inside stays out of the text.
        XCTAssertEqual(HTMLText.convert(deep(300, "<script>var x = 1;</script>text<style>p{}</style>")).text, "text")
        let shallow = HTMLText.convert(deep(100, "fine"))
        XCTAssertEqual(shallow.text, "fine")
        XCTAssertFalse(shallow.tooDeep)
    }

    func testDeepHTMLGivesWayToThePlainAlternative() throws {
        let raw = message(["From: a@example.com", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=b"],
                          "--b\nContent-Type: text/plain\n\nThe plain text.\n--b\nContent-Type: text/html\n\n\(deep(400, "html"))\n--b--\n")
        let m = try MimeParser().parseMessage(raw, path: "alt.eml")
        XCTAssertEqual(m.body, "The plain text.")
        XCTAssertEqual(m.bodyKind, .plain)
        XCTAssertEqual(m.warnings, ["HTML body is nested deeper than 256 levels; used the plain-text part"])
    }

    func testNULBytesInTheBodyAreDroppedButNotInTheHeader() throws {
        let parser = MimeParser()
        let raw = message(["From: a@example.com", "Content-Type: text/plain"], "Hi\u{0} Ann,\u{0}\nthanks.")
        let m = try parser.parseMessage(raw, path: "nul.eml")
        XCTAssertEqual(m.body, "Hi Ann,\nthanks.")
        XCTAssertEqual(m.warnings, ["the body text held 2 NUL characters, dropped"])
        // Encoded NULs are dropped the same way.
        let encoded = message(["From: a@example.com", "Content-Type: text/plain",
                               "Content-Transfer-Encoding: quoted-printable"], "Hi=00 Ann")
        XCTAssertEqual(try parser.parseMessage(encoded, path: "qp.eml").body, "Hi Ann")
        XCTAssertThrowsError(try parser.parseMessage(message(["From: a@example.com", "Subject: a\u{0}b"], "Hi"), path: "h.eml")) {
            XCTAssertEqual(($0 as? IngestError)?.reason, "binary data, not an email (NUL bytes in the header area)")
        }
    }

    func testFilesAreReadByTheirBytesAndOnlyWhenRegular() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-path-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = Array(dir.path.utf8) + Array("/bad-\u{FF}".utf8.prefix(5)) + [0xFF]
        XCTAssertEqual(SystemPath.withCString(raw) { creat($0, 0o600) }.signum(), 1)
        let shown = SystemPath.display(raw)
        XCTAssertTrue(shown.hasSuffix("/bad-\u{FFFD}"))
        SystemPath.remember(shown, bytes: raw)
        XCTAssertEqual(SystemPath.bytes(shown), raw)
        XCTAssertEqual(try SystemPath.read(shown), [])
        // A FIFO is refused without waiting for a writer (on a thread, so a regression fails, not hangs).
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let done = expectation(description: "read returns")
        nonisolated(unsafe) var reason: String?
        Thread.detachNewThread {
            do { _ = try SystemPath.read(fifo) } catch { reason = (error as? IngestError)?.reason }
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        XCTAssertEqual(reason, "not a regular file: a FIFO (named pipe)")
        var failure: String?
        MimeParser().parseMbox(path: "/dev/null") { if case .failure(let e) = $0 { failure = e.reason } }
        XCTAssertEqual(failure, "not a regular file: a character device")
    }
}
