import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ReplyQACore

/// Reads one reply given as a MIME message, an HTML fragment or plain text (for `lint`).
public enum LooseInput {
    /// What the bytes were taken to be.
    public enum Kind: String, Sendable { case mime, html, text }

    static let knownHeaders: Set<String> = ["from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type",
                                            "received", "return-path", "reply-to", "in-reply-to", "references", "delivered-to",
                                            "x-agent", "sender", "content-transfer-encoding"]

    public static func kind(of bytes: [UInt8]) -> Kind {
        let head = String(decoding: bytes.prefix(8192), as: UTF8.self)
        // A message starts with header fields, at least one of them a well-known one.
        var headerLines = 0, known = 0
        for line in head.split(separator: "\n", omittingEmptySubsequences: false).prefix(40) {
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.isEmpty { break }
            if l.first == " " || l.first == "\t" { continue }
            guard let colon = l.firstIndex(of: ":"), l[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
                colon > l.startIndex else {
                headerLines = 0; break
            }
            headerLines += 1
            if knownHeaders.contains(l[..<colon].lowercased()) || l.lowercased().hasPrefix("x-") { known += 1 }
        }
        if headerLines > 0 && known > 0 { return .mime }
        if head.range(of: #"<(html|body|p|div|br|table|span|blockquote)[\s>/]"#,
                      options: [.regularExpression, .caseInsensitive]) != nil { return .html }
        return .text
    }

    /// A message from MIME, HTML or text bytes; `name` is what diagnostics call the input.
    public static func read(_ bytes: [UInt8], name: String, limits: Limits = Limits()) throws(IngestError) -> (MailMessage, Kind) {
        // An Outlook file is one message: converted to MIME (see `OutlookMessage`).
        if OutlookMessage.isOutlook(bytes) { return (try MimeParser(limits: limits).parseMessage(bytes, path: name), .mime) }
        let kind = kind(of: bytes)
        switch kind {
        case .mime:
            return (try MimeParser(limits: limits).parseMessage(bytes, path: name), kind)
        case .html:
            let (text, warning) = CharsetDecoder.decode(bytes, charset: nil)
            let converted = HTMLText.convert(text)
            return (MailMessage(path: name, body: converted.text, bodyKind: .html, quoteStartLine: converted.quoteStartLine,
                                warnings: warning.map { [$0] } ?? []), kind)
        case .text:
            let (text, warning) = CharsetDecoder.decode(bytes, charset: nil)
            return (MailMessage(path: name, body: text.replacingOccurrences(of: "\r\n", with: "\n"), bodyKind: .plain,
                                warnings: warning.map { [$0] } ?? []), kind)
        }
    }
}

extension LooseInput {
    /// Why an input could not be read for `lint`.
    public enum ReadError: Error, CustomStringConvertible {
        /// More bytes than the limit; the size when it is known (a regular file), else nil (a stream).
        case tooLarge(size: Int?, limit: Int)
        case unreadable(String)

        public var description: String {
            switch self {
            case .tooLarge(let size, let limit):
                let over = size.map { "message is \(LooseInput.describe(bytes: $0)), over" } ?? "message is over"
                return "\(over) the limit of \(LooseInput.describe(bytes: limit)) (limits.max_message_bytes)"
            case .unreadable(let why): return why
            }
        }
    }

    /// Megabytes as `check` reports them, bytes below one.
    static func describe(bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MB" : "\(bytes) bytes"
    }

    /// At most `limit` bytes from a descriptor: it reads one byte past the limit to know that the
    /// input is longer, and never the rest, however much more a pipe or device would give.
    public static func read(fd: Int32, limit: Int) throws(ReadError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while result.count <= limit {
            let want = min(chunk.count, limit - result.count + 1)
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
        throw .tooLarge(size: nil, limit: limit)
    }

    /// At most `limit` bytes of a file (a regular file, a pipe such as `<(...)`, a device).
    public static func read(path: String, limit: Int) throws(ReadError) -> [UInt8] {
        // Non-blocking open: a FIFO without a writer must not hang the open itself.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw .unreadable(errno == EACCES ? "permission denied" : String(cString: strerror(errno))) }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > limit {
            throw .tooLarge(size: Int(info.st_size), limit: limit)
        }
        return try read(fd: fd, limit: limit)
    }
}

/// `read(2)`, which `LooseInput.read` would otherwise hide.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
