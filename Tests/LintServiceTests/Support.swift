import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The repository root, for Samples/ and Dictionaries/.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One HTTP response as it came off the wire.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
}

/// A blocking HTTP/1.1 connection to a loopback port, written by hand so a test controls every
/// byte: a body sent in pieces, a length that is never sent, a chunked body.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
        // A test that goes wrong fails in seconds rather than hanging the suite.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ data: Data) {
        data.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                sent += n
            }
        }
    }

    func send(_ string: String) { send(Data(string.utf8)) }

    /// Reads until the server closes the connection (requests are sent with `Connection: close`).
    func readReply() throws -> HTTPReply {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return try HTTPReply(parsing: data)
    }
}

extension HTTPReply {
    init(parsing data: Data) throws {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw CocoaError(.fileReadCorruptFile,
                             userInfo: [NSLocalizedDescriptionKey: "no HTTP response: \(String(decoding: data, as: UTF8.self))"])
        }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head[0].split(separator: " ")
        status = statusLine.count > 1 ? Int(statusLine[1]) ?? 0 : 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        var body = Data(data[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = Self.unchunk(body) }
        self.body = body
    }

    static func unchunk(_ data: Data) -> Data {
        var out = Data(), rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            out.append(rest[start..<start + size])
            rest = rest[(start + size + 2)...]
        }
        return out
    }
}

/// Sends one request on a new connection and reads the whole reply, off the test's own thread.
func http(_ port: Int, _ method: String, _ target: String, contentType: String? = nil, body: Data = Data(),
          extraHeaders: [String] = []) async throws -> HTTPReply {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            do {
                let connection = try RawConnection(port: port)
                var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                if let contentType { head += "Content-Type: \(contentType)\r\n" }
                if !extraHeaders.contains(where: { $0.lowercased()
                    .hasPrefix("transfer-encoding") }) { head += "Content-Length: \(body.count)\r\n" }
                for h in extraHeaders { head += "\(h)\r\n" }
                connection.send(head + "\r\n")
                connection.send(body)
                continuation.resume(returning: try connection.readReply())
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

func http(_ port: Int, _ method: String, _ target: String, contentType: String? = nil, body: String) async throws -> HTTPReply {
    try await http(port, method, target, contentType: contentType, body: Data(body.utf8))
}

/// Percent-encodes a query value.
func queryValue(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? s
}

/// The built `replyqa` executable, next to the test bundle.
func replyqaBinary() throws -> URL {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("replyqa")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        XCTFail("replyqa executable not built next to the tests at \(binary.path)")
        throw CocoaError(.fileNoSuchFile)
    }
    return binary
}

/// Runs `replyqa` to its end: exit status and standard output.
func runReplyQA(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = try replyqaBinary()
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    // Standard error goes to a file, so that neither pipe can fill up and stall the child.
    let errors = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-serve-test-\(UUID()).err")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errors)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = (try? Data(contentsOf: errors)) ?? Data()
    return (process.terminationStatus, o, String(decoding: errData, as: UTF8.self))
}

/// `replyqa serve` as a child process on a free loopback port.
final class ServeProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()
    private var rest = Data()

    init(_ extra: [String] = []) throws {
        process.executableURL = try replyqaBinary()
        process.arguments = ["serve", "--port", "0", "--config", "Samples/replyqa.yml"] + extra
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first line names the port; the dictionaries are loaded before it is written.
        var line = ""
        while !line.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(line[range].split(separator: ":")[1].prefix { $0.isNumber }) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "serve did not say its port: \(line)"])
        }
        self.port = port
    }

    /// Everything written to standard output after the first line, once the process has ended.
    func remainingOutput() -> String {
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Waits for the exit, at most `seconds`; nil if it is still running then.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            _ = waitForExit(seconds: 5)
        }
    }
}

/// The replies of the sample batch that lint takes one by one (the mbox file holds many).
func sampleReplies() throws -> [String] {
    var files: [String] = []
    for folder in ["Samples/email", "Samples/chat"] {
        let base = repositoryRoot.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
        for case let relative as String in walker {
            var isDir: ObjCBool = false
            let full = base.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { files.append("\(folder)/\(relative)") }
        }
    }
    return files.sorted()
}
