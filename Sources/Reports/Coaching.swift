import Aggregation
import Foundation
import ReplyPipeline
import ReplyQACore

/// A teammate's reply shown as a model for an improvement area: why it was chosen, and how it scored.
public struct ModelReply: Hashable, Sendable {
    /// Index of the reply in the batch.
    public var index: Int
    /// The situation it shares with the agent's reply ("the same macro “refund”", "a similar question: ...").
    public var situation: String
    /// Its score in the area's category.
    public var score: Int
}

/// Finds, for an agent's weak reply in a category, a teammate's reply to the same situation that
/// scored well there: a reply built from the same approved macro first, else the reply to the
/// customer's question most alike (shared content words, the rarer counting more). A reply in the
/// agent's own canned-reply cluster is never the model: the same text teaches nothing.
public struct ModelReplies: Sendable {
    /// A teammate's reply scores at least this in the category to be a model: a good score.
    public static let goodScore = ScoreBand.goodFrom
    /// Questions alike: at least this weighted share of content words in common (rare words
    /// weigh more), and at least `similarWords` of all their words, two or more of them.
    public static let similarQuestion = 0.2
    public static let similarWords = 0.12

    let words: [Set<String>]
    let documentFrequency: [String: Int]

    /// `stopwords` are words that say nothing about what a question is about.
    public init(replies: [ReplyRecord], stopwords: Set<String>) {
        words = replies.map { r in Self.contentWords(r.reply.question?.text ?? "", stopwords: stopwords) }
        var df: [String: Int] = [:]
        for w in words { for t in w { df[t, default: 0] += 1 } }
        documentFrequency = df
    }

    /// Lower-cased words of four letters or more that are not stop words.
    static func contentWords(_ text: String, stopwords: Set<String>) -> Set<String> {
        var out = Set<String>()
        // A long message says what it is about early on; reading all of it only costs time.
        for token in text.prefix(4000).lowercased().split(whereSeparator: \.isWhitespace) {
            // Handles and links name people and pages, not what the message is about.
            if token.hasPrefix("@") || token.contains("://") || token.hasPrefix("www.") { continue }
            for piece in token.split(whereSeparator: { !$0.isLetter }) where piece.count >= 4 {
                let w = String(piece)
                if !stopwords.contains(w) { out.insert(w) }
            }
        }
        return out
    }

    /// Jaccard similarity of two questions' words, IDF-weighted and plain, and the shared words, rarest first.
    func similarity(_ a: Int, _ b: Int) -> (weighted: Double, plain: Double, shared: [String]) {
        let x = words[a], y = words[b]
        guard !x.isEmpty, !y.isEmpty else { return (0, 0, []) }
        func weight(_ w: String) -> Double { 1 / Double(max(1, documentFrequency[w] ?? 1)) }
        let shared = x.intersection(y), union = x.union(y)
        let total = union.reduce(0.0) { $0 + weight($1) }
        let common = shared.reduce(0.0) { $0 + weight($1) }
        let named = shared.sorted { (documentFrequency[$0] ?? 0, $0) < (documentFrequency[$1] ?? 0, $1) }
        return (total > 0 ? common / total : 0, Double(shared.count) / Double(union.count), named)
    }

    /// The model for `category`, for the agent's reply `example`; nil when no teammate's reply in
    /// the same situation scored well there. `summaries` are the replies as scores read them
    /// (disputed findings left out), so a disputed finding does not keep a good reply from being a model.
    public func model(category: String, example: Int, agent: String, summaries: [ReplySummary], records: [ReplyRecord]) -> ModelReply? {
        let mine = records[example]
        var best: (key: (Int, Double, Int, Int, Int), pick: ModelReply)?
        for j in summaries.indices where summaries[j].agent != agent {
            let s = summaries[j]
            guard let score = s.categories[category], score >= Self.goodScore, s.autoFailed.isEmpty,
                  !s.findings.contains(where: { $0.category.rawValue == category && $0.severity >= .warning }) else { continue }
            let r = records[j]
            if let c = mine.cluster, r.cluster == c { continue }
            if r.reply.authored == mine.reply.authored { continue }
            let level: Int, situation: String, alike: Double
            if let macro = mine.macro, r.macro == macro {
                level = 2; alike = 1
                situation = "the same macro “\(macro)”"
            } else {
                let sim = similarity(example, j)
                guard sim.weighted >= Self.similarQuestion, sim.plain >= Self.similarWords, sim.shared.count >= 2 else { continue }
                level = 1; alike = sim.weighted
                situation =
                    sim.plain == 1
                        ? "the same question" : "a similar question (both about: \(sim.shared.prefix(3).joined(separator: ", ")))"
            }
            let key = (level, alike, score, s.overall, -j)
            if best == nil || key > best!.key { best = (key, ModelReply(index: j, situation: situation, score: score)) }
        }
        return best?.pick
    }
}
