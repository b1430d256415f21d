import XCTest
import Foundation

/// A folder that the test removes when it ends.
func scratchFolder(_ test: XCTestCase, _ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-\(name)-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// A `PATH` without `msgconvert`, as on a machine where it is not installed.
let withoutMsgconvert = ["PATH": "/nonexistent"]

/// The start of an OLE compound file, as Outlook saves a `.msg`.
let outlookBytes: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0x3E, 0, 3, 0] + Array(repeating: 0, count: 496)

/// `lint` takes one reply: a folder, an mbox file, an Outlook `.msg` file or binary data is refused
/// with the reason and exit 2, the way `check` reports the same inputs.
final class LintInputTests: XCTestCase {
    static let mbox = """
        From maya@acme.example Mon Nov 16 12:00:00 2026
        From: Maya <maya@acme.example>
        Subject: Re: order

        Hi Ann, it ships today.

        From tom@acme.example Mon Nov 16 13:00:00 2026
        From: Tom <tom@acme.example>
        Subject: Re: refund

        Hi Bo, the refund is on its way.

        """

    func testLintRefusesWhatIsNotOneReply() throws {
        let dir = try scratchFolder(self, "lint-input")
        func file(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let cases: [(path: String, reason: String)] = [
            (try file("reply.msg", outlookBytes),
                "Outlook .msg file: msgconvert is not installed (Debian package libemail-outlook-message-perl); install it, or save the " +
                    "message as .eml"),
            (try file("saved-from-outlook", outlookBytes), "Outlook .msg file: msgconvert is not installed"),
            (try file("week.mbox", Array(Self.mbox.utf8)), "an mbox file holds many messages"),
            (try file("export", Array(Self.mbox.utf8)), "an mbox file holds many messages"),
            (try file("logo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]), "binary data"),
            (try file("blob", (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7919) }), "binary data"),
            (dir.path, "is a folder; lint checks one reply"),
        ]
        for c in cases {
            let run = try runReplyQA(["lint", "--color", "never", c.path], environment: withoutMsgconvert)
            XCTAssertEqual(run.status, 2, "\(c.path): \(run.stdout)")
            XCTAssertTrue(run.stderr.contains("replyqa lint: \(c.path): \(c.reason)"), "\(c.path): \(run.stderr)")
            XCTAssertEqual(run.stdout, "", "nothing is linted: \(c.path)")
        }
        // The same from standard input, and as the --question.
        let piped = try runReplyQA(["lint", "-"], stdin: Self.mbox)
        XCTAssertEqual(piped.status, 2)
        XCTAssertTrue(piped.stderr.contains("replyqa lint: <stdin>: an mbox file holds many messages"), piped.stderr)
        let binary = try runReplyQA(["lint", "-"], stdin: "Hi Ann,\u{0}\u{0}\u{1}thanks")
        XCTAssertEqual(binary.status, 2)
        XCTAssertTrue(binary.stderr.contains("<stdin>: binary data"), binary.stderr)
        let question = try runReplyQA(["lint", "--question", cases[0].path, "-"], stdin: CommandLineTests.clean,
                                      environment: withoutMsgconvert)
        XCTAssertEqual(question.status, 2)
        XCTAssertTrue(question.stderr.contains("reply.msg: Outlook .msg file: msgconvert is not installed"), question.stderr)
    }

    func testADraftThatStartsWithFromIsStillLinted() throws {
        let draft = "From what I can see, your order left at 10:30.\nNote: it arrives Friday.\n\nBest regards,\nMaya"
        let run = try runReplyQA(["lint", "--color", "never", "-"], stdin: draft)
        XCTAssertNotEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stdout.contains("missing-greeting"), run.stdout)
    }

    func testCheckReportsTheSameInputsAndStillReadsTheRest() throws {
        let dir = try scratchFolder(self, "check-input")
        let msg = dir.appendingPathComponent("reply.msg").path, reply = dir.appendingPathComponent("reply.eml").path
        try Data(outlookBytes).write(to: URL(fileURLWithPath: msg))
        try Data("From: Maya <maya@acme.example>\nSubject: Re: hi\n\nHi Ann,\n\nDone.\n\nBest,\nMaya\n".utf8)
            .write(to: URL(fileURLWithPath: reply))
        // Without msgconvert, an Outlook file named on the command line fails with the advice; the reply is still read.
        let named = try runReplyQA(["check", msg, reply], environment: withoutMsgconvert)
        XCTAssertEqual(named.status, 1, named.stderr)
        XCTAssertTrue(
            named.stderr.contains(
                "\(msg): error: Outlook .msg file: msgconvert is not installed (Debian package libemail-outlook-message-perl); install " +
                    "it, or save the message as .eml"), named.stderr)
        XCTAssertTrue(named.stdout.contains("1 replies, 0 customer messages, 0 skipped, 1 failed"), named.stdout)
        // Inside a folder it is skipped with the same advice, also without its extension.
        try Data(outlookBytes).write(to: dir.appendingPathComponent("saved-from-outlook"))
        let folder = try runReplyQA(["check", dir.path], environment: withoutMsgconvert)
        XCTAssertEqual(folder.status, 0, folder.stderr)
        XCTAssertTrue(folder.stdout.contains("saved-from-outlook: skipped: Outlook .msg file: msgconvert is not installed"), folder.stdout)
        XCTAssertTrue(folder.stdout.contains("reply.msg: skipped: Outlook .msg file: msgconvert is not installed"), folder.stdout)
    }
}

/// Runs `replyqa` in `directory`, where a `replyqa.yml` is the default configuration.
func runReplyQA(_ args: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try replyqaBinary()
    process.arguments = args
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Every command gives the same exit status for the same cause, and names configuration mistakes
/// by file, line and column.
final class ConfigCommandLineTests: XCTestCase {
    static let reply =
        "From: Maya <maya@acme.example>\nSubject: Re: order\nMessage-ID: <r1@acme.example>\n\nHi Ann,\n\nYour order shipped " +
            "today.\n\nBest regards,\nMaya\n"

    func testBadUsageAndUnusableConfigurationExitTwoEverywhere() throws {
        let dir = try scratchFolder(self, "exit-codes")
        try Data(Self.reply.utf8).write(to: dir.appendingPathComponent("reply.eml"))
        let typo = dir.appendingPathComponent("typo.yml")
        try "support_domains: [acme.example]\nseverites: {long-sentence: warning}\n".write(to: typo, atomically: true, encoding: .utf8)
        let missing = dir.appendingPathComponent("missing.yml").path
        let commands: [[String]] = [
            ["check", dir.path], ["check", dir.path, "--out", dir.appendingPathComponent("report").path],
            ["extract", dir.path], ["sample", dir.path, "--per-agent", "1"], ["lint", "-"], ["rules"], ["explain", "card-number"],
        ]
        for command in commands {
            let unreadable = try runReplyQA(command + ["--config", missing], stdin: CommandLineTests.clean)
            XCTAssertEqual(unreadable.status, 2, "\(command) with a missing --config: \(unreadable.stderr)")
            XCTAssertTrue(unreadable.stderr.contains("cannot read configuration file \(missing): no such file"),
                          "\(command): \(unreadable.stderr)")
            let invalid = try runReplyQA(command + ["--config", typo.path], stdin: CommandLineTests.clean)
            XCTAssertEqual(invalid.status, 2, "\(command) with an invalid --config: \(invalid.stderr)")
            XCTAssertTrue(invalid.stderr.contains("\(typo.path):2:1: error: unknown key “severites”; did you mean “severities”?"),
                          "\(command): \(invalid.stderr)")
            XCTAssertFalse(invalid.stderr.contains("Usage:"), "a configuration mistake is not a usage message: \(invalid.stderr)")
            let bogus = try runReplyQA(command + ["--bogus"], stdin: CommandLineTests.clean)
            XCTAssertEqual(bogus.status, 2, "\(command) --bogus")
        }
        XCTAssertEqual(try runReplyQA(["history", "--history", missing]).status, 2)
        XCTAssertEqual(try runReplyQA(["sample", dir.path, "--per-agent", "0"]).status, 2)
        XCTAssertEqual(try runReplyQA(["no-such-command"]).status, 2)
        XCTAssertEqual(try runReplyQA(["check", "--help"]).status, 0)
        // An input that failed is still 1, after reading the others.
        try Data().write(to: dir.appendingPathComponent("empty.eml"))
        let failed = try runReplyQA(["check", dir.path, "--config", "/dev/null"])
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertTrue(failed.stdout.contains("1 replies"), failed.stdout)
    }

    func testUnknownRuleIDsStopTheCommandsThatRunTheRules() throws {
        let dir = try scratchFolder(self, "rule-ids")
        try Data(Self.reply.utf8).write(to: dir.appendingPathComponent("reply.eml"))
        let config = dir.appendingPathComponent("replyqa.yml")
        try "disabled_rules: [missing-greting]\nseverities:\n  long-sentence: info\n  card-numbr: warning\n".write(to: config,
            atomically: true, encoding: .utf8)
        for command in [["check", dir.path], ["lint", "-"], ["rules"]] {
            let run = try runReplyQA(command + ["--config", config.path], stdin: CommandLineTests.clean)
            XCTAssertEqual(run.status, 2, "\(command): \(run.stdout)")
            XCTAssertTrue(
                run.stderr.contains("\(config.path):1:18: error: unknown rule “missing-greting”; did you mean “missing-greeting”?"),
                    "\(command): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("\(config.path):4:3: error: unknown rule “card-numbr”; did you mean “card-number”?"),
                          "\(command): \(run.stderr)")
        }
    }

    func testAChannelNoRuleAssignsIsAWarningAndTheRunGoesOn() throws {
        let dir = try scratchFolder(self, "channel-warning")
        let config = dir.appendingPathComponent("team.yml")
        try "channels:\n  - {channel: social, folder: social}\ntone:\n  channels:\n    socail: {emoji: allowed}\n".write(to: config,
            atomically: true, encoding: .utf8)
        let run = try runReplyQA(["lint", "--config", config.path, "-"], stdin: CommandLineTests.clean)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(
            run.stderr.contains("\(config.path):5:5: warning: no channel rule or default_channel assigns the channel “socail”"), run.stderr)
        XCTAssertTrue(run.stderr.contains("did you mean “social”?"), run.stderr)
    }

    func testCheckWarnsWhenTheFolderHoldsAConfigurationThatIsNotUsed() throws {
        let dir = try scratchFolder(self, "forgotten-config")
        let batch = dir.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        try Data(Self.reply.utf8).write(to: batch.appendingPathComponent("reply.eml"))
        try "support_domains: [acme.example]\n".write(to: batch.appendingPathComponent("replyqa.yml"), atomically: true, encoding: .utf8)
        let forgotten = try runReplyQA(["check", "batch"], in: dir)
        XCTAssertEqual(forgotten.status, 0, forgotten.stderr)
        XCTAssertTrue(
            forgotten.stderr.contains(
                "replyqa: warning: batch/replyqa.yml is not used (no configuration is in effect); pass --config batch/replyqa.yml to " +
                    "use it"), forgotten.stderr)
        let other = try runReplyQA(["check", "batch", "--config", "/dev/null"], in: dir)
        XCTAssertTrue(other.stderr.contains("batch/replyqa.yml is not used (the configuration in effect is /dev/null)"), other.stderr)
        let used = try runReplyQA(["check", "batch", "--config", batch.appendingPathComponent("replyqa.yml").path], in: dir)
        XCTAssertEqual(used.stderr, "", "the folder's own configuration is in effect")
        // The current directory's replyqa.yml is the default: checking "." uses it, so no warning.
        let here = try runReplyQA(["check", "."], in: batch)
        XCTAssertFalse(here.stderr.contains("warning"), here.stderr)
    }

    func testSampleCopiesTheConfigurationItUsed() throws {
        let dir = try scratchFolder(self, "sample-config")
        let team = dir.appendingPathComponent("team")
        try FileManager.default.createDirectory(at: team.appendingPathComponent("macros"), withIntermediateDirectories: true)
        try "Your order has shipped.\n".write(to: team.appendingPathComponent("macros/shipped.txt"), atomically: true, encoding: .utf8)
        let text =
            "# Team settings\nsupport_domains: [acme.example]\ntemplates: macros   # approved macros\nseverities: {long-sentence: info}\n"
        try text.write(to: team.appendingPathComponent("replyqa.yml"), atomically: true, encoding: .utf8)
        let batch = dir.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        try Data(Self.reply.utf8).write(to: batch.appendingPathComponent("reply.eml"))
        let out = dir.appendingPathComponent("sample").path
        let run = try runReplyQA(["sample", batch.path, "--per-agent", "1", "--config", team.appendingPathComponent("replyqa.yml")
            .path, "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("replyqa.yml is the configuration used"), run.stdout)
        let copy = try String(contentsOfFile: out + "/replyqa.yml", encoding: .utf8)
        let macros = team.appendingPathComponent("macros").standardizedFileURL.path
        XCTAssertTrue(copy.contains("templates: \"\(macros)\"   # approved macros"),
                      "the macro folder is found from the copy too:\n\(copy)")
        XCTAssertTrue(copy.contains("# Team settings\nsupport_domains: [acme.example]\n"), copy)
        XCTAssertTrue(copy.contains("severities: {long-sentence: info}"), copy)
        let rechecked = try runReplyQA(["check", out, "--config", out + "/replyqa.yml", "--format", "json"])
        XCTAssertEqual(rechecked.status, 0, rechecked.stderr)
        XCTAssertEqual(rechecked.stderr, "")
        // Without a configuration there is nothing to copy.
        let bare = try runReplyQA(["sample", "batch", "--per-agent", "1", "--out", "bare"], in: dir)
        XCTAssertEqual(bare.status, 0, bare.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bare/manifest.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bare/replyqa.yml").path))
    }
}
