import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MailIngest
import NIOCore
import ReplyQACore
import ServiceLifecycle
import UnixSignals

/// `replyqa serve`: `POST /lint` and `GET /health` over HTTP/1.1, with one `LintEngine` loaded at start.
public struct LintServer: Sendable {
    public let engine: LintEngine
    public let host: String
    /// 0 asks the system for a free port; `onListening` is told which.
    public let port: Int
    /// How long in-flight requests may take to finish after SIGTERM or SIGINT before they are cut off.
    public var shutdownGrace: Duration = .seconds(10)

    public init(engine: LintEngine, host: String = "127.0.0.1", port: Int = 8080) {
        self.engine = engine
        self.host = host
        self.port = port
    }

    /// The addresses that reach only this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The service group that runs the server; `signals` start a graceful shutdown (no new
    /// connections, in-flight requests finish, then `run()` returns).
    public func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint],
                             onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) -> ServiceGroup {
        var logger = Logger(label: "replyqa.serve")
        // Hummingbird logs each start and stop at info; serve says what matters itself.
        logger.logLevel = .warning
        let app = Application(
            responder: LintResponder(engine: engine),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let address = channel.localAddress
                onListening(address?.ipAddress ?? host, address?.port ?? port)
            },
            logger: logger)
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownGrace
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }

    /// Serves until SIGTERM or SIGINT, from synchronous code (the command line): blocks the caller.
    public func runUntilShutdown(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void) throws {
        let group = serviceGroup(onListening: onListening)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await group.run() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// The error a detached run ended with, handed back to the blocked caller.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.lock(); stored = error; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
}

/// A request the service refuses: the status and a message, sent as `{"error": ..., "status": ...}`.
struct ServiceError: Error {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]
}

extension HTTPField.Name {
    /// `pass` or `fail`: whether a finding reached `fail_on`, as `replyqa lint`'s exit status 0 or 1.
    static let replyqaResult = HTTPField.Name("X-ReplyQA-Result")!
    /// The severity the verdict was taken at.
    static let replyqaFailOn = HTTPField.Name("X-ReplyQA-Fail-On")!
}

/// Routes by path and method; every refusal is a JSON body with a 4xx status.
struct LintResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let engine: LintEngine

    /// The media types `POST /lint` reads.
    static let accepted = ["message/rfc822", "text/plain", "text/html", "application/json"]
    /// The query parameters `POST /lint` reads; anything else is a mistake worth saying.
    static let parameters: Set<String> = ["format", "fail_on", "name", "channel", "agent"]
    /// The keys of a JSON request.
    static let jsonKeys: Set<String> = ["text", "channel", "agent", "customer_message", "name"]

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            switch request.uri.path {
            case "/health":
                guard request.method == .get || request.method == .head else { throw Self.notAllowed("GET") }
                return health()
            case "/lint":
                guard request.method == .post else { throw Self.notAllowed("POST") }
                return try await lint(request)
            default:
                throw ServiceError(status: .notFound, message: "no such endpoint: \(request.uri.path) (POST /lint or GET /health)")
            }
        } catch let error as ServiceError {
            return Self.errorResponse(error)
        } catch {
            // Reading the body failed (the client went away, or sent more than it said).
            return Self.errorResponse(ServiceError(status: .badRequest, message: "the request could not be read: \(error)"))
        }
    }

    static func notAllowed(_ method: String) -> ServiceError {
        ServiceError(status: .methodNotAllowed, message: "use \(method)", headers: [.allow: method])
    }

    func health() -> Response {
        let body: [String: Any] = ["status": "ok", "version": engine.version, "rules": engine.checkers.rules.count,
                                   "max_message_bytes": engine.config.limits.maxMessageBytes]
        return Self.json(body, status: .ok)
    }

    /// The query parameters, each given at most once and known.
    static func query(_ request: Request) throws(ServiceError) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let k = String(key)
            guard parameters.contains(k) else {
                throw ServiceError(status: .badRequest,
                                   message: "unknown query parameter “\(k)” (known: \(parameters.sorted().joined(separator: ", ")))")
            }
            guard out.updateValue(String(value), forKey: k) == nil else {
                throw ServiceError(status: .badRequest, message: "query parameter “\(k)” is given twice")
            }
        }
        return out
    }

    func lint(_ request: Request) async throws -> Response {
        let query = try Self.query(request)
        let (format, failOn) = try Self.options(query)
        let mediaType = try Self.mediaType(request)
        let bytes = try await body(request)
        let (fields, text, question) = try Self.input(bytes, mediaType: mediaType, query: query)

        let name = fields["name"] ?? "<request>"
        let uri = fields["name"] ?? "request"
        let message: MailMessage
        do throws(LintInputError) {
            message = try engine.message(from: text, name: name)
        } catch {
            throw ServiceError(status: .badRequest, message: "the reply cannot be checked: \(error.reason)")
        }
        let customer: MailMessage?
        do throws(LintInputError) {
            customer = try question.map { q throws(LintInputError) in try engine.message(from: q, name: "customer_message") }
        } catch {
            throw ServiceError(status: .badRequest, message: "customer_message cannot be read: \(error.reason)")
        }
        let result = engine.lint(message, question: customer, agent: fields["agent"], channel: fields["channel"])
        let rendered: String
        do { rendered = try engine.render(result, format: format, name: name, uri: uri) } catch {
            throw ServiceError(status: .internalServerError, message: "the result could not be written: \(error)")
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = switch format {
        case .json: "application/json"
        case .sarif: "application/sarif+json"
        case .text: "text/plain; charset=utf-8"
        }
        headers[.replyqaResult] = result.fails(at: failOn) ? "fail" : "pass"
        headers[.replyqaFailOn] = failOn.rawValue
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: rendered)))
    }

    /// The query's `format` and `fail_on`, with their defaults.
    static func options(_ query: [String: String]) throws(ServiceError) -> (LintOutputFormat, Severity) {
        let format = try query["format"].map { f throws(ServiceError) -> LintOutputFormat in
            guard let format = LintOutputFormat(rawValue: f) else {
                throw ServiceError(status: .badRequest, message: "format must be json, sarif or text, not “\(f)”")
            }
            return format
        } ?? .json
        let failOn = try query["fail_on"].map { s throws(ServiceError) -> Severity in
            guard let severity = Severity(rawValue: s) else {
                throw ServiceError(status: .badRequest, message: "fail_on must be error, warning or info, not “\(s)”")
            }
            return severity
        } ?? .error
        return (format, failOn)
    }

    /// The media type, without parameters such as charset: one of `accepted`.
    static func mediaType(_ request: Request) throws(ServiceError) -> String {
        guard let contentType = request.headers[.contentType] else {
            throw ServiceError(status: .unsupportedMediaType, message: "no Content-Type: send \(accepted.joined(separator: ", "))")
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            ?? ""
        guard accepted.contains(mediaType) else {
            throw ServiceError(status: .unsupportedMediaType,
                               message: "Content-Type \(mediaType) is not read: send \(accepted.joined(separator: ", "))")
        }
        return mediaType
    }

    /// The whole request body, held to the configuration's message limit as `lint` holds a file.
    func body(_ request: Request) async throws -> [UInt8] {
        let limit = engine.config.limits.maxMessageBytes
        let tooLarge = ServiceError(status: .contentTooLarge,
                                    message: "the request body is over the limit of \(Self.describe(bytes: limit)) " +
                                        "(limits.max_message_bytes)")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError { throw tooLarge }
        guard buffer.readableBytes > 0 else { throw ServiceError(status: .badRequest,
                                                                 message: "the request body is empty: nothing to check") }
        return Array(buffer.readableBytesView)
    }

    /// The reply, the customer's message and the name, channel and agent fields: from a JSON body
    /// (whose fields may not repeat the query's), or the body as the reply.
    static func input(_ bytes: [UInt8], mediaType: String,
                      query: [String: String]) throws(ServiceError) -> ([String: String], [UInt8], [UInt8]?) {
        var fields = query.filter { ["name", "channel", "agent"].contains($0.key) }
        guard mediaType == "application/json" else { return (fields, bytes, nil) }
        let object = try jsonObject(bytes)
        for key in ["name", "channel", "agent"] {
            guard let value = object[key] else { continue }
            if fields[key] != nil {
                throw ServiceError(status: .badRequest, message: "“\(key)” is given both in the query and in the JSON body; give it once")
            }
            fields[key] = value
        }
        let text = Array(object["text"]!.utf8)
        guard !text.isEmpty else { throw ServiceError(status: .badRequest, message: "“text” is empty: nothing to check") }
        return (fields, text, object["customer_message"].map { Array($0.utf8) })
    }

    /// A JSON request: an object of strings with a "text"; anything else says what is wrong.
    static func jsonObject(_ bytes: [UInt8]) throws(ServiceError) -> [String: String] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw ServiceError(status: .badRequest,
                message: "malformed JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)")")
        }
        guard let object = parsed as? [String: Any] else {
            throw ServiceError(status: .badRequest, message: "the JSON body must be an object such as {\"text\": \"...\"}")
        }
        var out: [String: String] = [:]
        for (key, value) in object {
            guard jsonKeys.contains(key) else {
                throw ServiceError(status: .badRequest,
                                   message: "unknown JSON key “\(key)” (known: \(jsonKeys.sorted().joined(separator: ", ")))")
            }
            guard let s = value as? String else { throw ServiceError(status: .badRequest, message: "“\(key)” must be a string") }
            out[key] = s
        }
        guard out["text"] != nil else { throw ServiceError(status: .badRequest,
                                                           message: "the JSON body has no “text”: the reply to check") }
        return out
    }

    static func describe(bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MB" : "\(bytes) bytes"
    }

    static func errorResponse(_ error: ServiceError) -> Response {
        var response = json(["error": error.message, "status": Int(error.status.code)], status: error.status)
        for field in error.headers { response.headers.append(field) }
        return response
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var body = ByteBuffer(bytes: data)
        body.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}
