import XCTest
import Foundation

/// Runs the built `replyqa` executable as a user would.
final class CommandLineTests: XCTestCase {
    func replyqa(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("replyqa")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("replyqa executable not built next to the tests at \(binary.path)")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testExtractReportsEveryInputAndFailsAfterReadingAll() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-cli-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("a-empty.eml"))
        try Data("From: Maya <maya@acme.example>\nX-Agent: Maya Chen\nSubject: Re: hi\nMessage-ID: <m1@acme.example>\n\nHi Ann,\n\nDone.\n\nOn Mon, Ann <ann@home.example> wrote:\n> Can you fix it?\n".utf8)
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
}
