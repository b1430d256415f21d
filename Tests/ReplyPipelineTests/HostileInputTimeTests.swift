import XCTest
import Foundation
import ReplyPipeline
import ReplyQACore
import TextAnalysis

/// Hostile sizes: a long reply is checked in time linear in its length, thousands of unknown
/// words do not mean thousands of suggestion look-ups, pasted data is reported as not language,
/// and `lint` never reads more than the message limit from a file or standard input.
final class HostileInputTimeTests: XCTestCase {
    /// About `bytes` bytes of English-like prose: sentences of common words, a typo now and then,
    /// paragraphs, wrapped lines, a few emoji and curly quotes (so offsets are not byte offsets).
    static func prose(bytes: Int, seed: UInt64 = 1) -> String {
        let words = ("the a to and of for your you we it is in on that this with have be will can order refund parcel tent " +
            "boots jacket delivery warehouse carrier label return exchange size card payment account password email " +
            "link app update store hours weekend discount code warranty stove pole strap backpack battery shipping " +
            "tracking address invoice receipt plan weather trail ticket please thanks sorry happy help check send " +
            "arrive today tomorrow week soon new replacement team customer question issue sent received").split(separator: " ")
        var rng = SeededRandom(seed: seed)
        var out = "", line = ""
        out.reserveCapacity(bytes + 200)
        while out.utf8.count < bytes {
            var sentence = (0..<(6 + Int(rng.next() % 12))).map { _ in String(words[Int(rng.next() % UInt64(words.count))]) }
            sentence[0] = sentence[0].prefix(1).uppercased() + sentence[0].dropFirst()
            if rng.next() % 50 == 0 { sentence.append("🙂") }
            if rng.next() % 40 == 0 { sentence.insert("“really”", at: 1) }
            if rng.next() % 30 == 0 { sentence.append("teh") }
            for w in sentence {
                if line.utf8.count + w.utf8.count > 72 { out += line + "\n"; line = "" }
                line += line.isEmpty ? w : " " + w
            }
            line += "."
            if rng.next() % 6 == 0 { out += line + "\n\n"; line = "" }
        }
        return out + line
    }

    func testALongRandomReplyIsCheckedInLinearTime() throws {
        let dir = try scratchFolder(self, "long-reply")
        let body = "Hi Linda,\n\n" + Self.prose(bytes: 1_050_000) + "\n\nIs there anything else I can help with?\n\nBest regards,\nMaya\n"
        let message = "From: Maya Chen <maya@northwind.example>\nTo: Linda Park <linda@example.com>\nSubject: Re: order\n"
            + "Message-ID: <long@northwind.example>\nContent-Type: text/plain; charset=utf-8\n\n" + body
        let file = dir.appendingPathComponent("long.eml")
        try Data(message.utf8).write(to: file)
        let config = Configuration()
        let started = Date()
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: [file.path])
        // The JSON output takes every finding's text from the reply: that too must not walk from its start.
        let json = try BatchDocument(result, includeFindings: true).json()
        let seconds = Date().timeIntervalSince(started)
        // Offsets recomputed from the start of the text took minutes for 1 MB even in a release build.
        XCTAssertLessThan(seconds, 90, "checking 1 MB took \(seconds) s")
        let record = try XCTUnwrap(result.replies.first)
        XCTAssertGreaterThan(record.reply.authored.unicodeScalars.count, 1_000_000)
        XCTAssertTrue(record.warnings.contains { $0.contains("read only its first \(ReadLimit.scalars) characters") }, "\(record.warnings)")
        let limited = Set(["spelling", "not-language", "informal-spelling"] + (record.tone?.evidence.map(\.cue) ?? []))
        for f in record.findings where limited.contains(f.rule) {
            XCTAssertLessThanOrEqual(f.span.end, ReadLimit.scalars, "\(f.rule) at \(f.span)")
        }
        XCTAssertTrue(record.findings.contains { $0.rule == "spelling" && record.reply.authored.text(at: $0.span) == "teh" })
        XCTAssertFalse(record.findings.contains { $0.rule == "missing-closing" }, "the end of the reply was not read")
        XCTAssertTrue(json.contains("\"text\" : \"teh\""), "findings keep their text")
    }

    /// Made-up words Hunspell does not know, each in an ordinary sentence.
    static func typos(_ n: Int) -> String {
        let syllables = ["vak", "vel", "tor", "mip", "dun", "sor", "kel", "bim", "rax", "pol", "nug", "zet", "fip"]
        return (0..<n).map { (i: Int) -> String in
            let a = syllables[i % 13], b = syllables[(i / 13) % 13], c = syllables[(i / 169) % 13]
            return "Please send the blor\(a)\(b)\(c) today."
        }.joined(separator: " ")
    }

    func lintFindings(_ draft: String) throws -> (findings: [[String: Any]], seconds: Double) {
        let started = Date()
        let run = try runReplyQA(["lint", "--format", "json", "-"], stdin: draft)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertNotEqual(run.status, 2, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (try XCTUnwrap((json["replies"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]), seconds)
    }

    func testTwoThousandUnknownWordsAreLintedQuicklyWithFewSuggestions() throws {
        // 2,000 unknown words, 20 KB: a suggestion for each took 93 s in a release build.
        let syllables = ["vak", "vel", "tor", "mip", "dun", "sor", "kel", "bim", "rax", "pol", "nug", "zet", "fip"]
        let unknown = (0..<2000).map { (i: Int) -> String in
            let a = syllables[i % 13], b = syllables[(i / 13) % 13], c = syllables[(i / 169) % 13]
            return a + b + c
        }.joined(separator: " ")
        let inARow = try lintFindings("Hi Linda,\n\n" + unknown + "\n\nThanks,\nMaya")
        XCTAssertLessThan(inARow.seconds, 30)
        // In a row they are not language: one finding says so, and no word of them gets a suggestion.
        XCTAssertEqual(inARow.findings.filter { $0["rule"] as? String == "not-language" }.count, 1)
        XCTAssertEqual(inARow.findings.filter { $0["rule"] as? String == "spelling" }.count, 0)
        // Each in a sentence of its own they are typos: all flagged, at most ten with a suggestion.
        let typos = try lintFindings("Hi Linda,\n\n" + Self.typos(2000) + "\n\nThanks,\nMaya")
        XCTAssertLessThan(typos.seconds, 30)
        let spelling = typos.findings.filter { $0["rule"] as? String == "spelling" }
        XCTAssertGreaterThan(spelling.count, 500, "every made-up word in the part read is flagged")
        XCTAssertLessThanOrEqual(spelling.filter { $0["suggestion"] != nil }.count, 10)
    }

    func testDataPastedIntoAReplyIsReportedAsNotLanguage() throws {
        var rng = SeededRandom(seed: 2)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let base64 = (0..<30).map { _ in String((0..<76).map { _ in alphabet[Int(rng.next() % 64)] }) }.joined(separator: "\n") + "\nQUJD=="
        let hex = (0..<20).map { row in
            String(format: "%08x  ", row * 16) + (0..<16).map { _ in String(format: "%02x", Int(rng.next() % 256)) }.joined(separator: " ")
                + "  |................|"
        }.joined(separator: "\n")
        let draft =
            "Hi Linda,\n\nHere is the file you asked for:\n\n\(base64)\n\nAnd the log:\n\n\(hex)\n\nWe will recieve it Friday.\n\nBest " +
                "regards,\nMaya"
        let (findings, seconds) = try lintFindings(draft)
        XCTAssertLessThan(seconds, 30)
        let notLanguage = findings.filter { $0["rule"] as? String == "not-language" }
        XCTAssertEqual(notLanguage.compactMap { $0["message"] as? String }
            .map { $0.contains("base64") ? "base64" : $0.contains("hex dump") ? "hex" : $0 },
                       ["base64", "hex"])
        XCTAssertEqual(findings.filter { $0["rule"] as? String == "spelling" }.compactMap { $0["text"] as? String }, ["recieve"],
                       "nothing inside the data is spell-checked")
    }

    /// Runs `replyqa` with standard input fed by `feed` on another thread; kills it after `timeout`.
    func run(_ args: [String], timeout: TimeInterval, feed: @escaping @Sendable (FileHandle) -> Void = { _ in })
        throws -> (status: Int32, stderr: String, seconds: Double, timedOut: Bool) {
        // Writing to a pipe the child has closed must fail the write, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = try replyqaBinary()
        process.arguments = args
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        let started = Date()
        try process.run()
        let writer = input.fileHandleForWriting
        let fed = expectation(description: "input fed")
        DispatchQueue.global().async { feed(writer); try? writer.close(); fed.fulfill() }
        let errors = ErrorCollector(err.fileHandleForReading)
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeout { timedOut = true; process.terminate(); break }
            usleep(20_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        wait(for: [fed], timeout: 30)
        return (process.terminationStatus, errors.text(), seconds, timedOut)
    }

    func testLintReadsNoMoreThanTheLimitFromStandardInput() throws {
        let dir = try scratchFolder(self, "lint-stdin-limit")
        let config = dir.appendingPathComponent("replyqa.yml")
        try "limits:\n  max_message_bytes: 1048576\n".write(to: config, atomically: true, encoding: .utf8)
        let total = 16 * 1_048_576
        let written = Counter()
        let run = try run(["lint", "--config", config.path, "-"], timeout: 60) { handle in
            let chunk = Data(String(repeating: "We will send the new pole today, thanks for your patience. ", count: 1000).utf8)
            while written.value < total {
                do { try handle.write(contentsOf: chunk) } catch { return }   // the reader has gone
                written.add(chunk.count)
            }
        }
        XCTAssertFalse(run.timedOut, "lint read and checked all of standard input")
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(
            run.stderr.contains("replyqa lint: <stdin>: message is over the limit of 1 MB (limits.max_message_bytes)"), run.stderr)
        XCTAssertLessThan(written.value, 8 * 1_048_576, "lint stopped reading past the limit")
        XCTAssertLessThan(run.seconds, 30)
    }

    func testLintRefusesAFileOverTheLimitAsCheckDoes() throws {
        let dir = try scratchFolder(self, "lint-file-limit")
        let config = dir.appendingPathComponent("replyqa.yml")
        try "limits:\n  max_message_bytes: 1048576\n".write(to: config, atomically: true, encoding: .utf8)
        let draft = dir.appendingPathComponent("draft.eml")
        try Data(String(repeating: "We will send the new pole today, thanks for your patience.\n", count: 36_000).utf8).write(to: draft)
        let run = try run(["lint", "--config", config.path, draft.path], timeout: 60)
        XCTAssertFalse(run.timedOut, "lint checked a file over the limit")
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(
            run.stderr.contains(
                "replyqa lint: \(draft.path): message is 2 MB, over the limit of 1 MB (limits.max_message_bytes)"), run.stderr)
        // The same file is refused by `check` with the same reason.
        let check = try runReplyQA(["check", "--config", config.path, draft.path])
        XCTAssertTrue(check.stderr.contains("over the limit of 1 MB") || check.stdout.contains("over the limit of 1 MB"),
                      check.stderr + check.stdout)
    }
}

/// Bytes written so far, shared with the writer thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
}

/// Reads a pipe to its end on another thread, so a chatty child never blocks on a full pipe.
final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            let all = handle.readDataToEndOfFile()
            self.lock.lock(); self.data = all; self.lock.unlock()
            self.done.signal()
        }
    }

    func text() -> String {
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
