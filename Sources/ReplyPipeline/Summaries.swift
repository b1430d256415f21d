import Aggregation
import Foundation
import ReplyQACore
import TextAnalysis

extension ReplyRecord {
    /// What the aggregation and the reports keep of this reply.
    public var summary: ReplySummary {
        let r = reply
        let length = r.authored.unicodeScalars.count
        let sentences = SentenceSplitter.split(Tokenizer().tokenize(r.authored)).map(\.span)
        // The sentence (or sentences) a span lies in; nothing for spans over most of the reply.
        func sentence(_ span: Span) -> String {
            guard span.length < max(1, length * 8 / 10) else { return "" }
            let inside = sentences.filter { $0.end > span.start && $0.start < max(span.end, span.start + 1) }
            guard let first = inside.first, let last = inside.last else { return "" }
            return r.authored.text(at: Span(start: min(first.start, span.start), end: max(last.end, span.end)))
        }
        return ReplySummary(
            id: ReplySummary.contentHash([r.messageID ?? "", r.agent, r.channel, r.authored]),
            file: location, messageID: r.messageID, agent: r.agent, channel: r.channel, date: r.date,
            words: r.authored.split(whereSeparator: { $0.isWhitespace }).count,
            overall: score?.overall ?? 100, categories: score?.categories ?? [:], autoFailed: score?.autoFailed ?? [],
            findings: findings.map { FindingSummary(rule: $0.rule, category: $0.category, severity: $0.severity,
                                                    text: r.authored.text(at: $0.span), sentence: sentence($0.span), message: $0.message) },
            toneLabel: tone?.label.rawValue, tone: tone?.dimensions ?? [:],
            evidence: (tone?.evidence ?? []).filter { !$0.text.isEmpty }.map {
                EvidenceSummary(category: $0.dimension, text: $0.text, sentence: sentence($0.span), points: $0.points, note: $0.note)
            })
    }
}
