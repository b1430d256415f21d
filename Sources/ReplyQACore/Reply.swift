import Foundation

/// An attachment's name, media type and decoded size.
public struct Attachment: Codable, Hashable, Sendable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public init(filename: String?, contentType: String, size: Int) {
        self.filename = filename; self.contentType = contentType; self.size = size
    }
    enum CodingKeys: String, CodingKey { case filename, contentType = "content_type", size }
}

/// Where the customer's question for a reply was found.
public enum QuestionSource: String, Codable, Sendable {
    /// The message this reply answers, found in the batch by Message-ID.
    case thread
    /// The quoted history inside the reply itself.
    case quote
}

/// The customer's message a reply answers.
public struct CustomerQuestion: Codable, Hashable, Sendable {
    public var text: String
    public var source: QuestionSource
    public var messageID: String?
    public var customerName: String?
    public var customerAddress: String?
    /// Where the customer's message was read from ("path" or "path#N"), for a thread question.
    public var location: String?
    public init(text: String, source: QuestionSource, messageID: String? = nil,
                customerName: String? = nil, customerAddress: String? = nil, location: String? = nil) {
        self.text = text; self.source = source; self.messageID = messageID
        self.customerName = customerName; self.customerAddress = customerAddress; self.location = location
    }
}

/// One agent reply, ready for the checkers: who wrote it, what they wrote, and what it answers.
public struct Reply: Codable, Hashable, Sendable {
    public var file: String
    public var messageID: String?
    public var agent: String
    public var channel: String
    public var date: Date?
    public var subject: String?
    public var fromAddress: String?
    /// Recipients' display names and addresses (To and Cc).
    public var recipients: [String]
    /// What the agent wrote in this message: no quoted history, signature or footer.
    public var authored: String
    public var signature: String?
    public var footer: String?
    public var quoted: String?
    public var question: CustomerQuestion?
    public var attachments: [Attachment]

    public init(file: String, messageID: String?, agent: String, channel: String, date: Date?,
                subject: String?, fromAddress: String?, recipients: [String], authored: String,
                signature: String?, footer: String?, quoted: String?, question: CustomerQuestion?,
                attachments: [Attachment]) {
        self.file = file; self.messageID = messageID; self.agent = agent; self.channel = channel
        self.date = date; self.subject = subject; self.fromAddress = fromAddress
        self.recipients = recipients; self.authored = authored; self.signature = signature
        self.footer = footer; self.quoted = quoted; self.question = question
        self.attachments = attachments
    }
}

extension Date {
    /// ISO 8601 in UTC ("2026-11-16T19:31:00Z"), as every output of ReplyQA writes dates.
    public var iso8601: String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: self)
    }
}
