import XCTest
import Foundation
import ReplyQACore
@testable import ReplyPipeline

/// Hostile input and faults through the command line: concurrent and damaged history files, terminal
/// escapes in emails, out-of-range configuration values, large address tables, catastrophic rule
/// patterns and the exit codes of runtime failures.
final class HostileInputStateTests: XCTestCase {
    static let reply = """
        From: Maya Chen <maya@acme.example>
        To: Linda Park <linda@home.example>
        Subject: Re: your order
        Message-ID: <r1@acme.example>
        Date: Tue, 17 Nov 2026 10:00:00 +0000

        Hi Linda,

        Your order shipped today and arrives on Friday.

        Best regards,
        Maya

        """

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-hostile-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A folder with one agent reply, to keep each run short.
    func batch(in dir: URL) throws -> String {
        let batch = dir.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        try Data(Self.reply.utf8).write(to: batch.appendingPathComponent("reply.eml"))
        return batch.path
    }

    /// Starts `replyqa`; the rule cache goes to the test's own folder.
    func start(_ args: [String], cache: URL, stdout: Pipe, stderr: Pipe) throws -> Process {
        let process = Process()
        process.executableURL = try replyqaBinary()
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": cache.path, "NO_COLOR": "1"]) { $1 }
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `replyqa` to the end; a run that takes longer than `timeout` seconds is killed and fails the test.
    func run(_ args: [String], in dir: URL, stdin: String? = nil, timeout: Double = 60) throws -> (status: Int32, signal: Bool,
                                                                                                   stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try replyqaBinary()
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["XDG_CACHE_HOME": dir.appendingPathComponent("cache").path]) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal,
                String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs a Python script with its `sqlite3` module (what `.ci/install` provides) on a history file.
    func sqlite(_ file: String, _ statements: String) throws {
        let script = "import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.executescript(sys.argv[2])\ncon.commit()\ncon.close()\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file, statements]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 with sqlite3 is needed: run bash .ci/install")
    }

    // MARK: - History under concurrency

    /// Several runs recording into one history file at the same time all succeed and are all recorded.
    func testConcurrentHistoryWritesAllSucceed() throws {
        let dir = try folder()
        let input = try batch(in: dir)
        let history = dir.appendingPathComponent("history.sqlite").path
        let cache = dir.appendingPathComponent("cache")
        var runs: [(Process, Pipe, Pipe, String)] = []
        for k in 0..<5 {
            let out = Pipe(), err = Pipe(), report = dir.appendingPathComponent("report-\(k)").path
            runs.append((try start(["check", input, "--history", history, "--out", report, "--quiet"], cache: cache, stdout: out,
                                   stderr: err), out, err, report))
        }
        for (process, out, err, report) in runs {
            _ = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, stderr)
            XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/index.html"), "every run writes its report")
        }
        let listed = try run(["history", "--history", history, "--format", "json"], in: dir)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let recorded = try XCTUnwrap(json["runs"] as? [[String: Any]])
        XCTAssertEqual(recorded.count, 5, "every run is recorded")
        XCTAssertEqual(recorded.compactMap { $0["new_replies"] as? Int }.reduce(0, +), 1, "the reply is recorded once")
    }

    /// A history kept locked past --history-wait does not cost the report: it is written, the run says
    /// why the history was not, and exits 1 without the usage text.
    func testAHistoryLockedTooLongStillWritesTheReport() throws {
        let dir = try folder()
        let input = try batch(in: dir)
        let history = dir.appendingPathComponent("history.sqlite").path
        XCTAssertEqual(try run(["check", input, "--history", history, "--out", dir.appendingPathComponent("first").path, "--quiet"],
                               in: dir).status, 0)
        // Another process holds the write lock until its standard input closes.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments =
            ["python3", "-c",
                "import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1], isolation_level=None)\ncon.execute('BEGIN " +
                    "EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.read()\n", history]
        let holderIn = Pipe(), holderOut = Pipe()
        holder.standardInput = holderIn
        holder.standardOutput = holderOut
        try holder.run()
        defer { try? holderIn.fileHandleForWriting.close(); holder.waitUntilExit() }
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let more = holderOut.fileHandleForReading.availableData
            if more.isEmpty { break }
            said += more
        }
        XCTAssertEqual(String(decoding: said, as: UTF8.self), "locked\n")

        let report = dir.appendingPathComponent("report").path
        let locked = try run(["check", input, "--history", history, "--history-wait", "0.5", "--out", report, "--quiet"], in: dir)
        XCTAssertEqual(locked.status, 1, locked.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/index.html"), "the report is written anyway")
        XCTAssertTrue(locked.stderr.contains("locked"), locked.stderr)
        XCTAssertTrue(locked.stderr.contains("the report was written, but this run is not recorded in \(history)"), locked.stderr)
        XCTAssertFalse(locked.stderr.contains("Usage:"), locked.stderr)
        XCTAssertTrue(locked.stdout.contains("Report: \(report)/index.html"), locked.stdout)
    }

    // MARK: - Damaged and newer history files

    func testADamagedHistoryRowIsReportedNotTrapped() throws {
        let dir = try folder()
        let input = try batch(in: dir)
        let history = dir.appendingPathComponent("history.sqlite").path
        XCTAssertEqual(try run(["check", input, "--history", history, "--out", dir.appendingPathComponent("first").path, "--quiet"],
                               in: dir).status, 0)
        try sqlite(history,
            "UPDATE replies SET overall = 'abc'; INSERT INTO runs (recorded_at, inputs, replies, new_replies) VALUES (x'00ff', 'x', 1, 0);")

        let listed = try run(["history", "--history", history], in: dir)
        XCTAssertFalse(listed.signal, "no crash: \(listed.stderr)")
        XCTAssertEqual(listed.status, 1, listed.stderr)
        XCTAssertTrue(listed.stderr.contains("replies row 1: overall is “abc”, not a whole number from 0 to 100"), listed.stderr)
        XCTAssertTrue(listed.stderr.contains("runs row 2: recorded_at is binary data (2 bytes), not text"), listed.stderr)
        XCTAssertTrue(listed.stdout.contains("#1 "), "the readable run is still listed: \(listed.stdout)")
        XCTAssertFalse(listed.stderr.contains("Usage:"), listed.stderr)

        let report = dir.appendingPathComponent("report").path
        let checked = try run(["check", input, "--history", history, "--out", report, "--quiet"], in: dir)
        XCTAssertFalse(checked.signal, "no crash: \(checked.stderr)")
        XCTAssertEqual(checked.status, 1, checked.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/index.html"))
        XCTAssertTrue(
            checked.stderr.contains(
                "the report was written, but 2 damaged row(s) in the history were left out of the trends"), checked.stderr)
    }

    func testAHistoryFromANewerVersionIsRefusedAndLeftUnchanged() throws {
        let dir = try folder()
        let input = try batch(in: dir)
        let history = dir.appendingPathComponent("history.sqlite").path
        XCTAssertEqual(try run(["check", input, "--history", history, "--out", dir.appendingPathComponent("first").path, "--quiet"],
                               in: dir).status, 0)
        try sqlite(history, "PRAGMA user_version = 7; PRAGMA journal_mode = DELETE;")
        let before = try Data(contentsOf: URL(fileURLWithPath: history))

        let report = dir.appendingPathComponent("report").path
        let checked = try run(["check", input, "--history", history, "--out", report, "--quiet"], in: dir)
        XCTAssertEqual(checked.status, 1, checked.stderr)
        XCTAssertTrue(checked.stderr.contains("written by a newer ReplyQA (history schema 7; this version reads schema 2)"), checked.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/index.html"))
        let listed = try run(["history", "--history", history], in: dir)
        XCTAssertEqual(listed.status, 1, listed.stderr)
        XCTAssertTrue(listed.stderr.contains("newer ReplyQA"), listed.stderr)
        XCTAssertFalse(listed.stderr.contains("Usage:"), listed.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: history)), before, "not written to")
        XCTAssertFalse(FileManager.default.fileExists(atPath: history + "-wal"), "not even switched to WAL")
    }

    /// Runtime failures exit 1 with their message alone; bad usage stays 2.
    func testRuntimeHistoryFailuresAreNotUsageErrors() throws {
        let dir = try folder()
        let notADatabase = dir.appendingPathComponent("notes.sqlite")
        try Data(String(repeating: "plain text, not SQLite. ", count: 20).utf8).write(to: notADatabase)
        let listed = try run(["history", "--history", notADatabase.path], in: dir)
        XCTAssertEqual(listed.status, 1, listed.stderr)
        XCTAssertTrue(listed.stderr.hasPrefix("replyqa history \(notADatabase.path): "), listed.stderr)
        XCTAssertFalse(listed.stderr.contains("Usage:"), listed.stderr)
        let other = dir.appendingPathComponent("other.sqlite").path
        try sqlite(other, "CREATE TABLE contacts (name TEXT);")
        let refused = try run(["check", try batch(in: dir), "--history", other, "--quiet"], in: dir)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("not a ReplyQA history (its tables: contacts)"), refused.stderr)
        XCTAssertEqual(try run(["history"], in: dir).status, 2, "a missing --history is bad usage")
        XCTAssertEqual(try run(["history", "--history", dir.appendingPathComponent("none.sqlite").path], in: dir).status, 2)
        XCTAssertEqual(try run(["check", ".", "--history-wait", "-1"], in: dir).status, 2)
    }

    // MARK: - Terminal escapes

    static let hostileLine = "Ok\u{1B}[2J\u{1B}]52;c;aGk=\u{07}\u{9B}1A\u{202E}evil\u{2066} The card 4111 1111 1111 1111 was declined."
    static var hostileReply: String {
        "From: Maya Chen <maya@acme.example>\nTo: Linda Park <linda@home.example>\nSubject: Re: \u{1B}[31mred\u{1B}]0;title\u{07}\n"
            + "Message-ID: <h1@acme.example>\nContent-Type: text/plain; charset=utf-8\n\nHi Linda,\n\n\(hostileLine)\n\nBest " +
                "regards,\nMaya\n"
    }

    /// What the terminal would act on: ESC, BEL, the C1 CSI and the bidi controls.
    func assertInert(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for u in text.unicodeScalars where TerminalText.isUnsafe(u) {
            XCTFail("\(what) sends U+\(String(u.value, radix: 16, uppercase: true)) to the terminal", file: file, line: line)
            return
        }
    }

    func testControlCharactersFromAnEmailAreShownNotSent() throws {
        let dir = try folder()
        let mail = dir.appendingPathComponent("hostile.eml")
        try Data(Self.hostileReply.utf8).write(to: mail)
        let lint = try run(["lint", "--color", "never", mail.path], in: dir)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        assertInert(lint.stdout, "lint")
        let shown = "Ok\\u{1B}[2J\\u{1B}]52;c;aGk=\\u{7}\\u{9B}1A\\u{202E}evil\\u{2066} The card"
        XCTAssertTrue(lint.stdout.contains(shown), lint.stdout)
        // The caret still points at the card number in the escaped line.
        let lines = lint.stdout.components(separatedBy: "\n")
        let at = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("[card-number]") }) + 1
        XCTAssertTrue(lines[at].contains(shown), lint.stdout)
        let cardColumn = try XCTUnwrap(lines[at].range(of: "4111")).lowerBound.utf16Offset(in: lines[at])
        let caretColumn = try XCTUnwrap(lines[at + 1].firstIndex(of: "^")).utf16Offset(in: lines[at + 1])
        XCTAssertEqual(caretColumn, cardColumn, lint.stdout)

        for args in [["check", mail.path], ["extract", mail.path]] {
            let r = try run(args, in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            assertInert(r.stdout, args[0])
            assertInert(r.stderr, args[0] + " (standard error)")
            XCTAssertTrue(r.stdout.contains("Re: \\u{1B}[31mred\\u{1B}]0;title\\u{7}"), r.stdout)
        }

        // Our own colours still reach the terminal; the email's escapes still do not.
        let colored = try run(["lint", "--color", "always", mail.path], in: dir)
        XCTAssertTrue(colored.stdout.contains("\u{1B}[1;31merror\u{1B}[0m"), colored.stdout)
        let ours = try NSRegularExpression(pattern: "\u{1B}\\[[0-9;]*m")
        let stripped = ours.stringByReplacingMatches(in: colored.stdout, range: NSRange(colored.stdout.startIndex..., in: colored.stdout),
                                                     withTemplate: "")
        assertInert(stripped, "lint --color always")
        XCTAssertTrue(stripped.contains(shown), stripped)
    }

    func testTerminalTextEscapesEveryControlButNewlineAndTab() {
        XCTAssertEqual(TerminalText.escape("a\tb\nc"), "a\tb\nc")
        XCTAssertEqual(TerminalText.escape("\u{0}\u{8}\r\u{7F}\u{85}\u{9F}"), "\\u{0}\\u{8}\\u{D}\\u{7F}\\u{85}\\u{9F}")
        XCTAssertEqual(TerminalText.escape("\u{202A}\u{202E}\u{2066}\u{2069}é😀"), "\\u{202A}\\u{202E}\\u{2066}\\u{2069}é😀")
    }

    // MARK: - Configuration values

    func testOutOfRangeNumbersAndMissingFoldersAreErrorsWithTheirPlace() throws {
        let dir = try folder()
        let draft = dir.appendingPathComponent("draft.txt")
        try Data("Hi Linda,\n\nYour order shipped today.\n\nBest regards,\nMaya\n".utf8).write(to: draft)
        let cases: [(String, String)] = [
            ("scorecard:\n  penalties: {error: .nan}\n",
             "c.yml:2:22: error: scorecard.penalties.error: expected a number from 0 to 100; found “.nan”"),
            ("scorecard:\n  weights: {privacy: .inf}\n",
             "c.yml:2:22: error: scorecard.weights.privacy: expected a number from 0 to 100; found “.inf”"),
            ("scorecard:\n  penalties: {warning: -100}\n",
             "c.yml:2:24: error: scorecard.penalties.warning: expected a number from 0 to 100; found “-100”"),
            ("scorecard:\n  weights: {spelling: -2}\n",
             "c.yml:2:23: error: scorecard.weights.spelling: expected a number from 0 to 100; found “-2”"),
            ("scorecard:\n  penalties: {info: 1e9}\n",
             "c.yml:2:21: error: scorecard.penalties.info: expected a number from 0 to 100; found “1e9”"),
            ("limits: {max_message_bytes: -1}\n",
             "c.yml:1:29: error: limits.max_message_bytes: expected a whole number of at least 1; found “-1”"),
            ("limits: {max_mime_depth: -3}\n",
             "c.yml:1:26: error: limits.max_mime_depth: expected a whole number of at least 1; found “-3”"),
            ("templates: macros\n", "c.yml:1:12: error: templates: no folder “macros” (looked for \(dir.path)/macros)"),
            ("dictionaries: ./nowhere\n", "c.yml:1:15: error: dictionaries: no folder “./nowhere” (looked for \(dir.path)/./nowhere)"),
            ("templates: draft.txt\n",
             "c.yml:1:12: error: templates: “draft.txt” is a file, not a folder (looked for \(dir.path)/draft.txt)"),
        ]
        for (yaml, expected) in cases {
            try Data(yaml.utf8).write(to: dir.appendingPathComponent("c.yml"))
            let r = try run(["lint", "--config", dir.appendingPathComponent("c.yml").path, draft.path], in: dir)
            XCTAssertFalse(r.signal, "no crash on \(yaml)")
            XCTAssertEqual(r.status, 2, "\(yaml): \(r.stderr)")
            XCTAssertEqual(r.stderr, dir.path + "/" + expected + "\n", yaml)
        }
        // The range's ends are allowed.
        try Data("scorecard:\n  penalties: {error: 100, warning: 0}\n  weights: {privacy: 0}\n".utf8)
            .write(to: dir.appendingPathComponent("c.yml"))
        XCTAssertEqual(try run(["lint", "--config", dir.appendingPathComponent("c.yml").path, draft.path], in: dir).status, 0)
    }

    // MARK: - Large address tables

    func testFiftyThousandAgentAddressesLoadInLinearTime() throws {
        let dir = try folder()
        func load(_ count: Int) throws -> (ConfigurationFile, Double) {
            var yaml = "agents:\n  addresses:\n"
            for k in 0..<count { yaml += "    agent\(k)@acme.example: Agent \(k % 97)\n" }
            yaml += "    Tom.B@Northwind.example: Tom Becker\n"
            let path = dir.appendingPathComponent("replyqa-\(count).yml").path
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
            let started = Date()
            let file = try ConfigurationFile.load(path: path)
            return (file, Date().timeIntervalSince(started))
        }
        let (small, smallSeconds) = try load(5_000)
        let (file, seconds) = try load(50_000)
        XCTAssertEqual(small.configuration.agentAddresses.count, 5_001)
        XCTAssertEqual(file.configuration.agentAddresses.count, 50_001)
        XCTAssertEqual(file.configuration.agentAddresses["agent49999@acme.example"], "Agent \(49_999 % 97)")
        XCTAssertEqual(file.configuration.agentAddresses["tom.b@northwind.example"], "Tom Becker", "addresses are lower-cased")
        // Ten times the addresses take about ten times as long (a quadratic load takes a hundred times).
        XCTAssertLessThan(seconds, max(1, smallSeconds) * 30, "5,000 addresses: \(smallSeconds) s, 50,000: \(seconds) s")
        XCTAssertLessThan(seconds, 60, "50,000 addresses took \(seconds) s")
    }

    /// Addresses read from the node tree mean what the decoder read: lower-cased, the later spelling wins,
    /// and a merged group of settings still counts.
    func testAgentAddressesKeepTheirMeaning() throws {
        let c = try Configuration.parse(yaml: """
            agents:
              <<: {header: X-Rep, addresses: {shared@acme.example: Team}}
            """)
        XCTAssertEqual(c.agentHeader, "X-Rep")
        XCTAssertEqual(c.agentAddresses, ["shared@acme.example": "Team"])
        let d = try Configuration.parse(
            yaml: "agents:\n  addresses:\n    Tom@acme.example: Old Name\n    tom@acme.example: Tom Becker\n    MAYA@acme.example: Maya " +
                "Chen\n")
        XCTAssertEqual(d.agentAddresses, ["tom@acme.example": "Tom Becker", "maya@acme.example": "Maya Chen"])
    }

    // MARK: - Rule-file patterns

    func testPatternsThatCanBacktrackCatastrophicallyAreRefused() {
        for risky in [#"(a+)+"#, #"(?:\w+\s?)+!"#, #"(\s*\w+)*$"#, #"(?:x+|y)*z"#, #"((a+)b?)*"#, #"(?=(a*)*)"#] {
            XCTAssertNotNil(PatternCheck.backtrackingRisk(risky), risky)
        }
        for fine in [#"(?:[\w']+ ){0,4}"#, #"^\s*(?:@\w+\s+)*(?:hi|hello)\b"#, #"(a++)+"#, #"(?>a+)+"#, #"[(a+)+]"#, #"\(a+\)+"#,
                     #"\b(?:i|we) (?:really )?(?:understand)\b"#, #"!{2,}"#, #"(\d+){1}"#] {
            XCTAssertNil(PatternCheck.backtrackingRisk(fine), fine)
        }
    }

    /// A tone pattern that would take minutes on a run of 30 letters is refused when the rule file is read.
    func testARuleFileWithACatastrophicPatternIsRefusedQuickly() throws {
        let dir = try folder()
        let dictionaries = dir.appendingPathComponent("Dictionaries")
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Dictionaries")
        try FileManager.default.copyItem(at: shipped, to: dictionaries)
        let tone = dictionaries.appendingPathComponent("tone/en.yml")
        let text = try String(contentsOf: tone, encoding: .utf8)
        XCTAssertTrue(text.contains("\ncues:\n"))
        let cue =
            "\ncues:\n  - id: runaway\n    dimension: empathy\n    points: 5\n    description: x\n    patterns: ['(?:\\w+\\s?)+;']\n    " +
                "examples: {trigger: [], pass: []}\n"
        try Data(text.replacingOccurrences(of: "\ncues:\n", with: cue).utf8).write(to: tone)
        try Data("dictionaries: Dictionaries\n".utf8).write(to: dir.appendingPathComponent("c.yml"))
        let started = Date()
        let r = try run(["lint", "--config", dir.appendingPathComponent("c.yml").path, "-"], in: dir,
                        stdin: "Hi Linda,\n\nYour order shipped today.\n\n" + String(repeating: "a", count: 30)
                            + "!\n\nThe pole arrives on Friday.\n\nBest regards,\nMaya\n",
                        timeout: 30)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("(?:\\w+\\s?)+;"), r.stderr)
        XCTAssertTrue(r.stderr.contains("repeats a repeat, which can take exponential time"), r.stderr)
    }
}
