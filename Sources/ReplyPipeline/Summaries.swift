import Aggregation
import Foundation
import ReplyQACore
import TextAnalysis

extension ReplyRecord {
    /// Rules whose matched text is customer data: reports show it masked.
    public static let sensitiveRules: Set<String> = ["card-number", "iban", "ssn", "password-in-clear", "api-key"]

    /// The authored text with the customer data that findings point at masked ("•••• •••• •••• 1111"),
    /// scalar for scalar, so every finding's span still fits.
    public var redactedAuthored: String {
        var scalars = Array(reply.authored.unicodeScalars)
        for f in findings where Self.sensitiveRules.contains(f.rule) {
            let lo = max(0, f.span.start), hi = min(scalars.count, f.span.end)
            guard lo < hi else { continue }
            let keep = hi - lo > 8 ? 4 : 0
            for i in lo..<(hi - keep) where !scalars[i].properties.isWhitespace && scalars[i] != "-" { scalars[i] = "•" }
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    /// What the aggregation and the reports keep of this reply (customer data masked).
    public var summary: ReplySummary {
        var r = reply
        r.authored = redactedAuthored
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
            id: ReplySummary.contentHash([r.messageID ?? "", r.agent, r.channel, reply.authored]),
            file: location, messageID: r.messageID, agent: r.agent, channel: r.channel, date: r.date,
            words: reply.authored.split(whereSeparator: { $0.isWhitespace }).count,
            overall: score?.overall ?? 100, categories: score?.categories ?? [:], autoFailed: score?.autoFailed ?? [],
            findings: findings.map { FindingSummary(rule: $0.rule, category: $0.category, severity: $0.severity,
                                                    text: r.authored.text(at: $0.span), sentence: sentence($0.span), message: $0.message) },
            toneLabel: tone?.label.rawValue, tone: tone?.dimensions ?? [:],
            evidence: (tone?.evidence ?? []).filter { !$0.text.isEmpty }.map {
                EvidenceSummary(category: $0.dimension, text: r.authored.text(at: $0.span), sentence: sentence($0.span), points: $0.points, note: $0.note)
            })
    }
}
