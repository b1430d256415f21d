import Aggregation
import Foundation
import ReplyQACore

extension ReplyRecord {
    /// What the aggregation and the reports keep of this reply.
    public var summary: ReplySummary {
        let r = reply
        return ReplySummary(
            id: ReplySummary.contentHash([r.messageID ?? "", r.agent, r.channel, r.authored]),
            file: location, messageID: r.messageID, agent: r.agent, channel: r.channel, date: r.date,
            words: r.authored.split(whereSeparator: { $0.isWhitespace }).count,
            overall: score?.overall ?? 100, categories: score?.categories ?? [:], autoFailed: score?.autoFailed ?? [],
            findings: findings.map { FindingSummary(rule: $0.rule, category: $0.category, severity: $0.severity,
                                                    text: r.authored.text(at: $0.span), message: $0.message) },
            toneLabel: tone?.label.rawValue, tone: tone?.dimensions ?? [:],
            evidence: (tone?.evidence ?? []).filter { !$0.text.isEmpty }.map {
                EvidenceSummary(category: $0.dimension, text: $0.text, points: $0.points, note: $0.note)
            })
    }
}
