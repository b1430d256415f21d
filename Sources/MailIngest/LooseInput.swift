import Foundation
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
            guard let colon = l.firstIndex(of: ":"), l[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), colon > l.startIndex else {
                headerLines = 0; break
            }
            headerLines += 1
            if knownHeaders.contains(l[..<colon].lowercased()) || l.lowercased().hasPrefix("x-") { known += 1 }
        }
        if headerLines > 0 && known > 0 { return .mime }
        if head.range(of: #"<(html|body|p|div|br|table|span|blockquote)[\s>/]"#, options: [.regularExpression, .caseInsensitive]) != nil { return .html }
        return .text
    }

    /// A message from MIME, HTML or text bytes; `name` is what diagnostics call the input.
    public static func read(_ bytes: [UInt8], name: String, limits: Limits = Limits()) throws(IngestError) -> (MailMessage, Kind) {
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
