import Foundation
import MailIngest
import Relevance
import ReplyQACore
import Scoring
import Tone

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
        var relevance: RelevanceResult?
        var tone: ToneResult?

        enum CodingKeys: String, CodingKey {
            case file, messageID = "message_id", agent, channel, date, subject, from, authored, question
            case signature, footer, attachments, warnings, findings, scores, cluster, macro, relevance, tone
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
                cluster: r.cluster, macro: r.macro, relevance: includeFindings ? r.relevance.map(Self.rounded) : nil,
                tone: includeFindings ? r.tone : nil)
        }
        self.customerMessages = customerMessages
        self.errors = errors
        self.skipped = skipped
    }

    /// Three decimals: stable bytes across platforms and easier reading.
    static func rounded(_ r: RelevanceResult) -> RelevanceResult {
        func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        var r = r
        r.score = round3(r.score); r.coverage = round3(r.coverage); r.listening = round3(r.listening)
        r.forwardCoverage = round3(r.forwardCoverage)
        r.entities = r.entities.map(round3); r.typeFit = r.typeFit.map(round3)
        return r
    }

    /// Pretty, key-sorted JSON: the same input gives the same bytes.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
