import Foundation
import ReplyQACore

/// A mailbox address with its decoded display name.
public struct MailAddress: Codable, Hashable, Sendable {
    public var name: String?
    public var address: String
    public init(name: String?, address: String) { self.name = name; self.address = address }
    /// The lower-cased domain after the last "@", if any.
    public var domain: String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        return address[address.index(after: at)...].lowercased()
    }
}

/// Which part of the MIME tree the body text came from.
public enum BodyKind: String, Codable, Sendable {
    case plain, flowed, html, none
}

/// One decoded message: headers, the best body as UTF-8 text, and its attachments.
public struct MailMessage: Sendable {
    /// The input file, and the message's position in it for mbox files.
    public var path: String
    public var index: Int?
    public var messageID: String?
    public var inReplyTo: String?
    public var references: [String]
    public var from: MailAddress?
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var date: Date?
    public var subject: String?
    /// Decoded header values by lower-cased name (first occurrence).
    public var headers: [String: String]
    public var body: String
    public var bodyKind: BodyKind
    /// For HTML bodies: the line where a quoting container (Gmail's `gmail_quote`, Outlook's reply
    /// separator, Thunderbird's `moz-cite-prefix`...) begins; everything from it on is history.
    public var quoteStartLine: Int?
    public var attachments: [Attachment]
    /// Problems met while decoding that did not stop it (unknown charset, limits hit...).
    public var warnings: [String]
    /// For a message inside an mbox file: its bytes' offsets in the file (from its "From " line).
    public var sourceRange: Range<Int>?

    public init(path: String, index: Int? = nil, messageID: String? = nil, inReplyTo: String? = nil,
                references: [String] = [], from: MailAddress? = nil, to: [MailAddress] = [],
                cc: [MailAddress] = [], date: Date? = nil, subject: String? = nil,
                headers: [String: String] = [:], body: String = "", bodyKind: BodyKind = .none,
                quoteStartLine: Int? = nil, attachments: [Attachment] = [], warnings: [String] = []) {
        self.path = path; self.index = index; self.messageID = messageID; self.inReplyTo = inReplyTo
        self.references = references; self.from = from; self.to = to; self.cc = cc; self.date = date
        self.subject = subject; self.headers = headers; self.body = body; self.bodyKind = bodyKind
        self.quoteStartLine = quoteStartLine; self.attachments = attachments; self.warnings = warnings
    }

    /// "path" or "path#3" for the fourth message of an mbox.
    public var location: String { index.map { "\(path)#\($0 + 1)" } ?? path }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why an input could not be read; it is reported, never dropped.
public struct IngestError: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}
