import XCTest
import ReplyPipeline
import ReplyQACore

/// A folder of hostile and broken input is read to the end: every file ends as a reply record,
/// a customer message, or an error with its reason; nothing hangs, crashes or disappears.
final class BadInputTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bad-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }
        let head = "From: Agent <agent@acme.example>\nTo: c@home.example\nMessage-ID: <%@>\nMIME-Version: 1.0\n"
        try write("empty.eml", [])
        try write("binary.eml", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        try write("truncated.eml", head.replacingOccurrences(of: "%@", with: "trunc") +
                  "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nThe reply text " +
                      "survives\n--b\nContent-Type: text/html\n\n<p>cut he")
        try write("unknown-charset.eml", head.replacingOccurrences(of: "%@", with: "charset") +
                  "Content-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: 8bit\n\nQapla\u{E9} and ok")
        var nested = head.replacingOccurrences(of: "%@", with: "nested") + "Content-Type: multipart/mixed; boundary=b0\n\n"
        for level in 0..<50 { nested += "--b\(level)\nContent-Type: multipart/mixed; boundary=b\(level + 1)\n\n" }
        nested += "--b50\nContent-Type: text/plain\n\ndeep\n--b50--\n"
        try write("nested-50.eml", nested)
        var big = head.replacingOccurrences(of: "%@", with: "big")
            + "Content-Type: multipart/mixed; boundary=big\n\n--big\nContent-Type: text/plain\n\nSee the attached " +
                "log.\n--big\nContent-Type: application/octet-stream; name=log.bin\nContent-Transfer-Encoding: base64\n\n"
        let line = String(repeating: "QUJDRA==", count: 9) + "\n"
        big += String(repeating: line, count: 20 * 1024 * 1024 / line.utf8.count) + "--big--\n"
        try write("big-20mb.eml", big)
        try write("not-mail", "just some words\nthat are not a message")
        try write("notes.txt", "a note")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testEveryBadFileIsAccountedFor() throws {
        let start = Date()
        let result = BatchProcessor(config: try Configuration.parse(yaml: "support_domains: [acme.example]")).run(paths: [dir.path])
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "reading the bad folder took too long")
        let failed = Dictionary(uniqueKeysWithValues: result.failures.map { (($0.path as NSString).lastPathComponent, $0.reason) })
        XCTAssertEqual(failed["empty.eml"], "empty file")
        XCTAssertTrue(failed["binary.eml"]?.contains("binary") ?? false, "\(failed)")
        let replies = Dictionary(uniqueKeysWithValues: result.replies.map { (($0.location as NSString).lastPathComponent, $0) })
        XCTAssertEqual(replies["truncated.eml"]?.reply.authored, "cut he", "a truncated HTML part is read as far as it goes")
        XCTAssertEqual(replies["unknown-charset.eml"]?.reply.authored, "Qaplaé and ok")
        XCTAssertTrue(replies["unknown-charset.eml"]?.warnings.contains { $0.contains("x-klingon") } ?? false)
        XCTAssertTrue(replies["nested-50.eml"]?.warnings.contains { $0.contains("deeper than") } ?? false)
        XCTAssertEqual(replies["big-20mb.eml"]?.reply.authored, "See the attached log.")
        XCTAssertEqual(replies["big-20mb.eml"]?.reply.attachments.first?.filename, "log.bin")
        let skipped = Set(result.skipped.map { ($0.path as NSString).lastPathComponent })
        XCTAssertEqual(skipped, ["not-mail", "notes.txt"])
        // Nothing lost: every file is a reply, a failure or skipped.
        let all = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        XCTAssertEqual(Set(failed.keys).union(replies.keys).union(skipped), all)
    }
}

/// Random and mangled input through the whole pipeline: every file is accounted for, nothing crashes.
final class FuzzInputTests: XCTestCase {
    func testMangledMessagesNeverCrashOrVanish() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-fuzz-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let seed = """
        From: Agent <agent@acme.example>\nTo: Ann <ann@home.example>\nMessage-ID: <m@acme.example>\nMIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="b"\n\n--b\nContent-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable\n\nHi Ann,=0A=0AIt ships today.\n\nOn Mon, Ann wrote:\n> Where is it?
        --b\nContent-Type: text/html; charset=utf-8\n\n<div>Hi Ann,</div><blockquote><p>Where <b>is</i> it?</blockquote>
        --b--\n
        """
        let base = Array(seed.utf8)
        let pieces: [[UInt8]] = ["--b\n", "<div>", "</blockquote>", "=\n", "=C3", "\0", ">>>", "On Mon, X wrote:\n",
                                 "Content-Type: multipart/mixed; boundary=b\n"].map { Array($0.utf8) }
        for n in 0..<150 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let at = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.insert(contentsOf: pieces.randomElement(using: &rng)!, at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                case 2: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &rng) }
                default: bytes = Array(bytes.prefix(at))
                }
            }
            try Data(bytes).write(to: dir.appendingPathComponent("f\(n).eml"))
        }
        let result = BatchProcessor(config: try Configuration.parse(yaml: "support_domains: [acme.example]"),
                                    checkers: try StandardCheckers.make(config: Configuration())).run(paths: [dir.path])
        XCTAssertEqual(result.replies.count + result.customerMessages + result.failures.count, 150)
        for r in result.replies {
            // Every finding points inside the authored text.
            for f in r.findings { XCTAssertLessThanOrEqual(f.span.end, r.reply.authored.unicodeScalars.count) }
        }
    }
}
