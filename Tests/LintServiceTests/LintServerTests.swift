import Foundation
import LintService
import ReplyPipeline
import ReplyQACore
import ServiceLifecycle
import XCTest

/// The service in this process, on a free loopback port, with the sample configuration.
final class InProcessServer: Sendable {
    let engine: LintEngine
    let group: ServiceGroup
    let port: Int
    private let task: Task<Void, any Error>

    /// The sample batch's engines, by the message limit they were built with: loading the
    /// dictionaries once serves every test.
    nonisolated(unsafe) static var engines: [Int: LintEngine] = [:]
    static let lock = NSLock()

    static func engine(maxMessageBytes: Int?) throws -> LintEngine {
        lock.lock(); defer { lock.unlock() }
        let key = maxMessageBytes ?? -1
        if let e = engines[key] { return e }
        var config = try ConfigurationFile.load(path: repositoryRoot.appendingPathComponent("Samples/replyqa.yml").path).configuration
        if let maxMessageBytes { config.limits.maxMessageBytes = maxMessageBytes }
        let engine = LintEngine(config: config, checkers: try StandardCheckers.make(config: config, suggestionsPerRun: .max),
                                version: "test")
        engines[key] = engine
        return engine
    }

    init(maxMessageBytes: Int? = nil) async throws {
        engine = try Self.engine(maxMessageBytes: maxMessageBytes)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        group = LintServer(engine: engine, host: "127.0.0.1", port: 0).serviceGroup(signals: []) { _, port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = self.group
        task = Task { try await group.run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CocoaError(.fileNoSuchFile) }
        self.port = port
    }

    /// Shuts down as SIGTERM would, and waits for the end.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

final class LintServerTests: XCTestCase {
    func testHealthSaysReadyWithTheLoadedRules() async throws {
        let server = try await InProcessServer()
        let health = try await http(server.port, "GET", "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.headers["content-type"], "application/json")
        XCTAssertEqual(health.json?["status"] as? String, "ok")
        XCTAssertEqual(health.json?["rules"] as? Int, server.engine.checkers.rules.count)
        XCTAssertEqual(health.json?["max_message_bytes"] as? Int, server.engine.config.limits.maxMessageBytes)
        let post = try await http(server.port, "POST", "/health", contentType: "text/plain", body: "x")
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.headers["allow"], "GET")
        try await server.stop()
    }

    /// Each refusal: its status, a JSON body whose error says why, and the same status in it.
    func assertRefused(_ reply: HTTPReply, _ status: Int, saying words: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.text, file: file, line: line)
        XCTAssertEqual(reply.headers["content-type"], "application/json", file: file, line: line)
        let error = reply.json?["error"] as? String ?? ""
        XCTAssertTrue(error.contains(words), "“\(error)” does not say “\(words)”", file: file, line: line)
        XCTAssertEqual(reply.json?["status"] as? Int, status, file: file, line: line)
    }

    func testBadInputGetsAClearFourHundredWithAJSONError() async throws {
        let server = try await InProcessServer()
        let p = server.port
        let json = "application/json"
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"text": "Hi"#), 400, saying: "malformed JSON")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"["Hi"]"#), 400, saying: "must be an object")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"channel": "chat"}"#), 400, saying: "no “text”")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"text": ""}"#), 400, saying: "“text” is empty")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"text": "Hi", "chanel": "chat"}"#), 400,
                      saying: "unknown JSON key “chanel”")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"text": 42}"#), 400, saying: "“text” must be a string")
        assertRefused(try await http(p, "POST", "/lint?channel=chat", contentType: json, body: #"{"text": "Hi", "channel": "email"}"#),
                      400, saying: "given both")
        assertRefused(try await http(p, "POST", "/lint", contentType: "text/plain", body: Data()), 400, saying: "empty")
        assertRefused(try await http(p, "POST", "/lint", contentType: "text/plain", body: Data([0x48, 0x69, 0x00, 0x01, 0x02, 0xFF])), 400,
                      saying: "binary data")
        assertRefused(try await http(p, "POST", "/lint", contentType: json, body: #"{"text": "Hi\u0000there"}"#), 400,
                      saying: "binary data")
        let mbox = try Data(contentsOf: repositoryRoot.appendingPathComponent("Samples/social/direct-messages.mbox"))
        assertRefused(try await http(p, "POST", "/lint", contentType: "message/rfc822", body: mbox), 400,
                      saying: "an mbox file holds many messages")
        assertRefused(try await http(p, "POST", "/lint", contentType: "application/pdf", body: "%PDF-1.4"), 415,
                      saying: "application/pdf is not read")
        assertRefused(try await http(p, "POST", "/lint", body: "Hi Linda"), 415, saying: "no Content-Type")
        assertRefused(try await http(p, "POST", "/lint?fail-on=warning", contentType: "text/plain", body: "Hi"), 400,
                      saying: "unknown query parameter “fail-on”")
        assertRefused(try await http(p, "POST", "/lint?format=xml", contentType: "text/plain", body: "Hi"), 400,
                      saying: "format must be json, sarif or text")
        assertRefused(try await http(p, "POST", "/lint?fail_on=fatal", contentType: "text/plain", body: "Hi"), 400,
                      saying: "fail_on must be")
        assertRefused(try await http(p, "POST", "/lint?format=json&format=sarif", contentType: "text/plain", body: "Hi"), 400,
                      saying: "given twice")
        assertRefused(try await http(p, "GET", "/lint"), 405, saying: "use POST")
        assertRefused(try await http(p, "GET", "/lint/extra"), 404, saying: "no such endpoint")
        // After all of that the service still answers.
        let ok = try await http(p, "POST", "/lint", contentType: "text/plain; charset=utf-8",
                                body: "Hi Linda,\n\nYour order shipped today.\n\nBest,\nMaya")
        XCTAssertEqual(ok.status, 200, ok.text)
        XCTAssertEqual(ok.headers["x-replyqa-result"], "pass")
        try await server.stop()
    }

    func testRequestsOverTheMessageLimitGet413() async throws {
        let server = try await InProcessServer(maxMessageBytes: 2_000)
        let p = server.port
        let fits = Data(("Hi Linda,\n\n" + String(repeating: "Your order shipped today. ", count: 100)).utf8.prefix(2_000))
        XCTAssertEqual(fits.count, 2_000)
        let atLimit = try await http(p, "POST", "/lint", contentType: "text/plain", body: fits)
        XCTAssertEqual(atLimit.status, 200, atLimit.text)
        let over = fits + Data("!".utf8)
        assertRefused(try await http(p, "POST", "/lint", contentType: "text/plain", body: over), 413,
                      saying: "over the limit of 2000 bytes (limits.max_message_bytes)")
        assertRefused(try await http(p, "POST", "/lint", contentType: "application/json",
                                     body: try JSONSerialization.data(withJSONObject: ["text": String(decoding: fits, as: UTF8.self)])),
                      413, saying: "over the limit")
        // A chunked body says no length: it is cut off one chunk past the limit.
        var chunked = Data()
        for piece in stride(from: 0, to: over.count, by: 500) {
            let part = over[piece..<min(piece + 500, over.count)]
            chunked += Data("\(String(part.count, radix: 16))\r\n".utf8) + part + Data("\r\n".utf8)
        }
        chunked += Data("0\r\n\r\n".utf8)
        assertRefused(try await http(p, "POST", "/lint", contentType: "text/plain", body: chunked,
                                     extraHeaders: ["Transfer-Encoding: chunked"]),
                      413, saying: "over the limit")
        // A length announced far past the limit is refused before any of the body is read.
        let announced: HTTPReply = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let c = try RawConnection(port: p)
                    c.send("POST /lint HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
                        "10000000\r\n\r\n")
                    continuation.resume(returning: try c.readReply())
                } catch { continuation.resume(throwing: error) }
            }
        }
        assertRefused(announced, 413, saying: "over the limit")
        let still = try await http(p, "GET", "/health")
        XCTAssertEqual(still.status, 200)
        try await server.stop()
    }

    /// Replies checked at the same time give what they give one at a time: the checkers share
    /// dictionaries and caches across requests.
    func testConcurrentRequestsGiveTheSameAnswersAsSerialOnes() async throws {
        let server = try await InProcessServer()
        let files = try sampleReplies()
        XCTAssertGreaterThan(files.count, 40)
        let bodies = try files.map { try Data(contentsOf: repositoryRoot.appendingPathComponent($0)) }
        var serial: [String] = []
        for (f, b) in zip(files, bodies) {
            serial.append(try await http(server.port, "POST", "/lint?name=\(queryValue(f))", contentType: "message/rfc822", body: b).text)
        }
        let port = server.port
        let concurrent = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for round in 0..<3 {
                for (i, (f, b)) in zip(files, bodies).enumerated() {
                    group.addTask { (i, try await http(port, "POST", "/lint?name=\(queryValue(f))", contentType: "message/rfc822", body: b)
                        .text + "#\(round)") }
                }
            }
            var out: [Int: [String]] = [:]
            for try await (i, text) in group { out[i, default: []].append(String(text.prefix { $0 != "#" })) }
            return out
        }
        for (i, answers) in concurrent {
            XCTAssertEqual(answers.count, 3)
            for a in answers { XCTAssertEqual(a, serial[i], files[i]) }
        }
        try await server.stop()
    }

    /// A graceful shutdown lets a request whose body is still arriving finish, then stops.
    func testGracefulShutdownFinishesTheRequestInFlight() async throws {
        let server = try await InProcessServer()
        let body = Data("Hi Linda,\n\nYour order shiped today and arrives on Friday.\n\nBest regards,\nMaya".utf8)
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /lint?format=sarif HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: " +
                "\(body.count)\r\n\r\n")
        connection.send(body.prefix(20))
        try await Task.sleep(for: .milliseconds(200))
        let stopping = Task { try await server.stop() }
        try await Task.sleep(for: .milliseconds(300))
        connection.send(body.dropFirst(20))
        let reply = try connection.readReply()
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.headers["content-type"], "application/sarif+json")
        let runs = reply.json?["runs"] as? [[String: Any]]
        let results = runs?.first?["results"] as? [[String: Any]]
        XCTAssertEqual(results?.first?["ruleId"] as? String, "spelling")
        try await stopping.value
        XCTAssertThrowsError(try RawConnection(port: server.port), "the port is closed once the service stopped")
    }
}
