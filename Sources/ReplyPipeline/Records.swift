import Foundation
import MailIngest
import ReplyQACore
import Scoring

/// The JSON shape of `extract` and `check` output (schema `replyqa.replies`, version 1).
public struct BatchDocument: Encodable {
    public static let schema = "replyqa.replies/1"

    struct ReplyOut: Encodable {
        var file: String
        var messageID: String?
        var agent: String
        var channel: String
        var date: String?
        var subject: String?
        var from: String?
        var authored: String
        var question: QuestionOut?
        var signature: String?
        var footer: String?
        var attachments: [Attachment]
        var warnings: [String]
        var findings: [FindingOut]?
        var scores: ReplyScore?
        var cluster: Int?
        var macro: String?
        /// Each checker's evidence, under the checker's name.
        var evidence: [String: any CheckEvidence]

        enum CodingKeys: String, CodingKey {
            case file, messageID = "message_id", agent, channel, date, subject, from, authored, question
            case signature, footer, attachments, warnings, findings, scores, cluster, macro
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encodeIfPresent(messageID, forKey: .messageID)
            try c.encode(agent, forKey: .agent)
            try c.encode(channel, forKey: .channel)
            try c.encodeIfPresent(date, forKey: .date)
            try c.encodeIfPresent(subject, forKey: .subject)
            try c.encodeIfPresent(from, forKey: .from)
            try c.encode(authored, forKey: .authored)
            try c.encodeIfPresent(question, forKey: .question)
            try c.encodeIfPresent(signature, forKey: .signature)
            try c.encodeIfPresent(footer, forKey: .footer)
            try c.encode(attachments, forKey: .attachments)
            try c.encode(warnings, forKey: .warnings)
            try c.encodeIfPresent(findings, forKey: .findings)
            try c.encodeIfPresent(scores, forKey: .scores)
            try c.encodeIfPresent(cluster, forKey: .cluster)
            try c.encodeIfPresent(macro, forKey: .macro)
            // Each checker's evidence under its name, a key known only at run time.
            var named = encoder.container(keyedBy: DynamicCodingKey.self)
            for (name, e) in evidence { try named.encode(e, forKey: DynamicCodingKey(stringValue: name)) }
        }
    }

    struct QuestionOut: Encodable {
        var text: String
        var source: QuestionSource
        var messageID: String?
        var customerName: String?
        var customerAddress: String?
        enum CodingKeys: String, CodingKey {
            case text, source, messageID = "message_id", customerName = "customer_name", customerAddress = "customer_address"
        }
    }

    struct FindingOut: Encodable {
        var category: Category
        var rule: String
        var severity: Severity
        var start: Int
        var end: Int
        var text: String
        var message: String
        var suggestion: String?
    }

    /// A group of near-identical replies (canned answers), with who sent them.
    struct ClusterOut: Encodable {
        var id: Int
        var size: Int
        var agents: [String]
        var members: [String]
        var sample: String
        var macro: String?
    }

    let schema = BatchDocument.schema
    var replies: [ReplyOut]
    var clusters: [ClusterOut]
    var customerMessages: Int
    var errors: [IngestError]
    var skipped: [SkippedInput]

    enum CodingKeys: String, CodingKey {
        case schema, replies, clusters, customerMessages = "customer_messages", errors, skipped
    }

    /// `includeFindings` is false for `extract`, which only shows what was read.
    public init(_ result: BatchResult, includeFindings: Bool) {
        self.init(replies: result.replies, customerMessages: result.customerMessages, errors: result.failures,
                  skipped: result.skipped, clusters: result.clusters, includeFindings: includeFindings)
    }

    public init(replies records: [ReplyRecord], customerMessages: Int = 0, errors: [IngestError] = [],
                skipped: [SkippedInput] = [], clusters: [ClusterSummary] = [], includeFindings: Bool) {
        self.clusters = clusters.map { c in
            ClusterOut(id: c.id, size: c.members.count, agents: c.agents, members: c.members.map { records[$0].location },
                       sample: String(records[c.members[0]].redactedAuthored.prefix(160)), macro: c.macro)
        }
        replies = records.map { r in
            let reply = r.reply
            // Customer data a finding points at (a card number, a secret) is masked, as in the reports.
            let shown = includeFindings ? r.redactedAuthored : reply.authored
            return ReplyOut(
                file: r.location, messageID: reply.messageID, agent: reply.agent, channel: reply.channel,
                date: reply.date.map(\.iso8601), subject: reply.subject, from: reply.fromAddress,
                authored: shown,
                question: reply.question.map {
                    QuestionOut(text: $0.text, source: $0.source, messageID: $0.messageID,
                                customerName: $0.customerName, customerAddress: $0.customerAddress)
                },
                signature: reply.signature, footer: reply.footer, attachments: reply.attachments,
                warnings: r.warnings,
                findings: includeFindings ? r.findings.map {
                    FindingOut(category: $0.category, rule: $0.rule, severity: $0.severity, start: $0.span.start,
                               end: $0.span.end, text: shown.text(at: $0.span), message: $0.message,
                               suggestion: $0.suggestion)
                } : nil,
                scores: includeFindings ? r.score : nil,
                cluster: r.cluster, macro: r.macro, evidence: includeFindings ? r.evidence : [:])
        }
        self.customerMessages = customerMessages
        self.errors = errors
        self.skipped = skipped
    }

    /// Pretty, key-sorted JSON: the same input gives the same bytes.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
