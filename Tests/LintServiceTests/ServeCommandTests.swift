import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `replyqa serve` as a pipeline runs it: a child process on a free port, next to `replyqa lint`.
final class ServeCommandTests: XCTestCase {
    /// Every sample message gives the very bytes `replyqa lint --format json` prints, and the
    /// verdict header agrees with lint's exit status.
    func testEverySampleReplyGetsWhatLintPrints() async throws {
        let serve = try ServeProcess()
        let files = try sampleReplies()
        XCTAssertGreaterThan(files.count, 40)
        var failing = 0
        for file in files {
            let lint = try runReplyQA(["lint", "--config", "Samples/replyqa.yml", "--format", "json", "--fail-on", "warning", file])
            XCTAssertTrue([0, 1].contains(lint.status), "\(file): \(lint.stderr)")
            let body = try Data(contentsOf: repositoryRoot.appendingPathComponent(file))
            let served = try await http(serve.port, "POST", "/lint?fail_on=warning&name=\(queryValue(file))",
                                        contentType: "message/rfc822", body: body)
            XCTAssertEqual(served.status, 200, "\(file): \(served.text)")
            XCTAssertEqual(served.text, String(decoding: lint.stdout, as: UTF8.self), file)
            XCTAssertEqual(served.headers["x-replyqa-result"], lint.status == 1 ? "fail" : "pass", file)
            if lint.status == 1 { failing += 1 }
        }
        // The comparison covers both verdicts.
        XCTAssertGreaterThan(failing, 0)
        XCTAssertLessThan(failing, files.count)
    }

    /// SARIF and text too, and a JSON request with channel, agent and the customer's message
    /// reads as `lint --channel --agent --question` on the same text.
    func testSarifTextAndJSONRequestsMatchLint() async throws {
        let serve = try ServeProcess()
        for file in ["Samples/email/T04-reply.eml", "Samples/email/T12-reply.eml", "Samples/email/T15-reply-2.eml"] {
            let body = try Data(contentsOf: repositoryRoot.appendingPathComponent(file))
            for format in ["sarif", "text"] {
                let lint = try runReplyQA(["lint", "--config", "Samples/replyqa.yml", "--format", format, "--color", "never", file])
                let served = try await http(serve.port, "POST", "/lint?format=\(format)&name=\(queryValue(file))",
                                            contentType: "message/rfc822", body: body)
                XCTAssertEqual(served.status, 200)
                XCTAssertEqual(served.text, String(decoding: lint.stdout, as: UTF8.self), "\(file) as \(format)")
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-serve-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reply =
            "Hi Ann,\n\nSorry for the wait! Your refund of $40 was sent today; it reaches your card in 3 to 5 days.\n\nThanks,\nMaya"
        let question = "Hello, I returned the boots two weeks ago. Where is my refund?\n\nAnn"
        try Data(reply.utf8).write(to: dir.appendingPathComponent("reply.txt"))
        try Data(question.utf8).write(to: dir.appendingPathComponent("question.txt"))
        let replyPath = dir.appendingPathComponent("reply.txt").path, questionPath = dir.appendingPathComponent("question.txt").path
        let lint = try runReplyQA(["lint", "--config", "Samples/replyqa.yml", "--format", "json", "--channel", "chat",
                                   "--agent", "Maya Chen",
                                   "--question", questionPath, replyPath])
        let request = try JSONSerialization.data(withJSONObject: ["text": reply, "channel": "chat", "agent": "Maya Chen",
                                                                  "customer_message": question, "name": replyPath])
        let served = try await http(serve.port, "POST", "/lint", contentType: "application/json", body: request)
        XCTAssertEqual(served.status, 200, served.text)
        XCTAssertEqual(served.text, String(decoding: lint.stdout, as: UTF8.self))
        let record = (served.json?["replies"] as? [[String: Any]])?.first
        XCTAssertEqual(record?["channel"] as? String, "chat")
        XCTAssertEqual((record?["question"] as? [String: Any])?["text"] as? String, question)
    }

    /// Two drafts under the same name, of the same length and opening (one macro, a different
    /// middle), checked one after the other: each gets its own tone and findings, as lint gives.
    func testLookAlikeDraftsUnderOneNameAreCheckedEachOnItsOwn() async throws {
        let opening = "Hi Linda,\n\nThanks for writing in about the order. "
        let kind = "We are so sorry for the delay; we will make it right today and refund the shipping."
        let rude = "It is your fault, you should have read the confirmation email; not our problem now."
        let drafts = [opening + kind + "\n\nBest,\nMaya", opening + rude + "\n\nBest,\nMaya"]
        XCTAssertEqual(drafts[0].unicodeScalars.count, drafts[1].unicodeScalars.count)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-serve-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("draft.txt").path
        var expected: [String] = []
        for draft in drafts {
            try Data(draft.utf8).write(to: URL(fileURLWithPath: path))
            expected.append(String(decoding: try runReplyQA(["lint", "--config", "Samples/replyqa.yml", "--format", "json", path])
                .stdout, as: UTF8.self))
        }
        XCTAssertNotEqual(expected[0], expected[1], "the two drafts read differently")
        let serve = try ServeProcess()
        for round in 0..<2 {
            for (i, draft) in drafts.enumerated() {
                let served = try await http(serve.port, "POST", "/lint?name=\(queryValue(path))", contentType: "text/plain", body: draft)
                XCTAssertEqual(served.text, expected[i], "draft \(i), round \(round)")
            }
        }
    }

    /// SIGTERM: no new connections, the request in flight is answered, exit 0.
    func testSigtermLetsTheRequestInFlightFinishThenExits() async throws {
        let serve = try ServeProcess()
        let body = Data("Hi Linda,\n\nYour order shiped today and arrives on Friday.\n\nBest regards,\nMaya".utf8)
        let connection = try RawConnection(port: serve.port)
        connection.send(
            "POST /lint HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
                "\(body.count)\r\n\r\n")
        connection.send(body.prefix(20))
        try await Task.sleep(for: .milliseconds(200))
        kill(serve.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertTrue(serve.process.isRunning, "serve waits for the request in flight")
        XCTAssertThrowsError(try RawConnection(port: serve.port), "no new connections once shutting down")
        connection.send(body.dropFirst(20))
        let reply = try connection.readReply()
        XCTAssertEqual(reply.status, 200, reply.text)
        let findings = (reply.json?["replies"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]]
        XCTAssertEqual(findings?.map { $0["rule"] as? String }, ["spelling"])
        XCTAssertEqual(serve.waitForExit(seconds: 10), 0)
        XCTAssertTrue(serve.remainingOutput().contains("replyqa serve: stopped"))
    }

    func testSigintOnAnIdleServiceExitsAtOnce() throws {
        let serve = try ServeProcess()
        let started = Date()
        kill(serve.process.processIdentifier, SIGINT)
        XCTAssertEqual(serve.waitForExit(seconds: 10), 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    func testBadUsageIsRefusedBeforeListening() throws {
        let port = try runReplyQA(["serve", "--port", "70000"])
        XCTAssertEqual(port.status, 2)
        XCTAssertTrue(port.stderr.contains("--port must be from 0 to 65535"), port.stderr)
        let config = try runReplyQA(["serve", "--config", "/no/such/replyqa.yml"])
        XCTAssertEqual(config.status, 2)
        XCTAssertTrue(config.stderr.contains("/no/such/replyqa.yml"), config.stderr)
    }
}
