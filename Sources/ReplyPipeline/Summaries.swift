import Aggregation
import Foundation
import ReplyQACore
import TextAnalysis

extension ReplyRecord {
    /// The authored text with the customer data that findings point at (findings of sensitive rules) masked ("•••• •••• •••• 1111"),
    /// scalar for scalar, so every finding's span still fits.
    public var redactedAuthored: String {
        // Masked ranges: each sensitive span but its last four scalars when it is long.
        let masked = findings.filter { $0.sensitive && $0.span.start < $0.span.end }
            .map { f in max(0, f.span.start)..<(f.span.end - (f.span.length > 8 ? 4 : 0)) }
            .filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        guard !masked.isEmpty else { return reply.authored }
        // One pass over the text, so a long reply costs one copy, not an array of its scalars.
        var out = String.UnicodeScalarView()
        var next = 0
        for (i, scalar) in reply.authored.unicodeScalars.enumerated() {
            while next < masked.count, masked[next].upperBound <= i { next += 1 }
            let inside = masked[next...].prefix { $0.lowerBound <= i }.contains { $0.contains(i) }
            out.append(inside && !scalar.properties.isWhitespace && scalar != "-" ? "•" : scalar)
        }
        return String(out)
    }

    /// How many whitespace-separated words the text holds (counted without splitting it).
    static func wordCount(_ text: String) -> Int {
        var count = 0, inWord = false
        for c in text {
            if c.isWhitespace { inWord = false } else if !inWord { inWord = true; count += 1 }
        }
        return count
    }

    /// What the aggregation and the reports keep of this reply (customer data masked).
    public var summary: ReplySummary {
        var r = reply
        r.authored = redactedAuthored
        let length = r.authored.unicodeScalars.count
        // Sentences of the part the text checkers read: a finding past it shows its own text only.
        let sentences = SentenceSplitter.split(Tokenizer().tokenize(ReadLimit.prefix(of: r.authored))).map(\.span)
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
            words: Self.wordCount(reply.authored),
            overall: score?.overall ?? 100, categories: score?.categories ?? [:], autoFailed: score?.autoFailed ?? [],
            findings: findings.map { FindingSummary(rule: $0.rule, category: $0.category, severity: $0.severity,
                                                    text: r.authored.text(at: $0.span), sentence: sentence($0.span), message: $0.message) },
            toneLabel: tone?.label.rawValue, tone: tone?.dimensions ?? [:],
            evidence: (tone?.evidence ?? []).filter { !$0.text.isEmpty }.map {
                EvidenceSummary(category: $0.dimension, text: r.authored.text(at: $0.span), sentence: sentence($0.span),
                                points: $0.points, note: $0.note)
            })
    }
}
