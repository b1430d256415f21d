import Aggregation
import Foundation
import ReplyPipeline
import ReplyQACore
import Scoring

/// A reviewer's category score that replaced ReplyQA's, with ReplyQA's own for comparison.
public struct RescoredCategory: Sendable, Hashable {
    public var review: Review
    public var replyqa: Int
}

/// A batch with its reviews applied: every finding kept (a disputed one marked), scores computed
/// without the disputed findings and with reviewers' category scores in place of ReplyQA's.
public struct ReviewedBatch: Sendable {
    /// The batch's replies, their scores re-computed.
    public var replies: [ReplyRecord]
    /// Every reply's summary with all its findings (disputed ones too) and the re-computed scores.
    public var summaries: [ReplySummary]
    /// Per reply, per finding (in the record's order): the review that applies to it, if any.
    public var findingReviews: [[Review?]]
    /// Per reply: the categories whose score a reviewer replaced.
    public var rescored: [[String: RescoredCategory]]

    public init(_ replies: [ReplyRecord], reviews: ReviewSet, scorecard: ScorecardOptions) {
        self.init(replies, summaries: replies.map(\.summary), reviews: reviews, scorecard: scorecard)
    }

    /// `summaries` are the records' own (`record.summary`), when the caller has them already.
    public init(_ replies: [ReplyRecord], summaries: [ReplySummary], reviews: ReviewSet, scorecard: ScorecardOptions) {
        var replies = replies
        var summaries = summaries
        var findingReviews: [[Review?]] = []
        var rescored: [[String: RescoredCategory]] = []
        findingReviews.reserveCapacity(replies.count)
        for i in replies.indices {
            let record = replies[i]
            let s = summaries[i]
            let applied = s.findings.map { reviews.review(reply: s.id, rule: $0.rule, text: $0.text) }
            let overrides = reviews.rescored(reply: s.id)
            findingReviews.append(applied)
            guard let original = record.score, !reviews.isEmpty,
                  applied.contains(where: { $0?.verdict == .disputed }) || !overrides.isEmpty else {
                rescored.append([:])
                continue
            }
            let disputed = applied.map { $0?.verdict == .disputed }
            let evidence = record.tone?.evidence ?? []
            // Findings of the tone checker are part of the tone dimensions already (see Batch).
            let counted = Set(evidence.map(\.cue))
            var credits: [String: Double] = [:]
            for (k, f) in record.findings.enumerated() where k < disputed.count && disputed[k] && counted.contains(f.rule) {
                if let e = evidence.first(where: { $0.cue == f.rule && $0.span == f.span && $0.points < 0 }) {
                    credits[e.dimension.rawValue, default: 0] += -e.points
                }
            }
            let valid = overrides.compactMapValues { $0.score }
            let scorer = Scorer(options: scorecard, categories: original.categories.keys, autoFailed: original.autoFailed)
            let empty = record.reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            let score = scorer.rescore(record.findings, disputed: disputed, base: record.tone?.dimensions ?? [:], counted: counted,
                                       credits: credits, overrides: valid, emptyReply: empty)
            var replaced: [String: RescoredCategory] = [:]
            for (category, review) in overrides where review.score != nil && original.categories[category] != nil && !empty {
                replaced[category] = RescoredCategory(review: review, replyqa: original.categories[category]!)
            }
            rescored.append(replaced)
            replies[i].score = score
            summaries[i].overall = score.overall
            summaries[i].categories = score.categories
            summaries[i].autoFailed = score.autoFailed
        }
        self.replies = replies
        self.summaries = summaries
        self.findingReviews = findingReviews
        self.rescored = rescored
        disputeRates = Self.disputeRates(summaries, findingReviews)
    }

    /// Whether finding `finding` of reply `reply` is disputed.
    public func isDisputed(_ reply: Int, _ finding: Int) -> Bool {
        findingReviews[reply].indices.contains(finding) && findingReviews[reply][finding]?.verdict == .disputed
    }

    /// The summaries as scores and statistics read them: disputed findings left out.
    public var scoredSummaries: [ReplySummary] {
        summaries.enumerated().map { i, s in
            guard findingReviews[i].contains(where: { $0?.verdict == .disputed }) else { return s }
            var copy = s
            copy.findings = s.findings.indices.filter { !isDisputed(i, $0) }.map { s.findings[$0] }
            return copy
        }
    }

    /// Per rule of the batch: its findings, how many are disputed and how many upheld (most disputed first).
    public private(set) var disputeRates: [RuleDisputes] = []

    static func disputeRates(_ summaries: [ReplySummary], _ findingReviews: [[Review?]]) -> [RuleDisputes] {
        var byRule: [String: (Int, Int, Int, Set<String>)] = [:]
        for (i, s) in summaries.enumerated() {
            for (k, f) in s.findings.enumerated() {
                var entry = byRule[f.rule] ?? (0, 0, 0, [])
                entry.0 += 1
                switch findingReviews[i][k]?.verdict {
                case .disputed?: entry.1 += 1; entry.3.insert(s.agent)
                case .upheld?: entry.2 += 1
                default: break
                }
                byRule[f.rule] = entry
            }
        }
        return byRule.map { rule, e in
            RuleDisputes(rule: rule, findings: e.0, disputed: e.1, upheld: e.2, rate: Statistics.wilson(e.1, e.0), agents: e.3.count)
        }.sorted { ($1.disputed, $1.rate.rate, $0.rule) < ($0.disputed, $0.rate.rate, $1.rule) }
    }
}

/// How often one rule's findings were disputed in a batch.
public struct RuleDisputes: Codable, Hashable, Sendable {
    public var rule: String
    /// The rule's findings in the batch, disputed ones included.
    public var findings: Int
    public var disputed: Int
    /// Findings a reviewer looked at and upheld.
    public var upheld: Int
    /// Disputed findings per finding, with its Wilson interval.
    public var rate: RateEstimate
    /// Agents with a disputed finding of the rule.
    public var agents: Int

    /// A rule is shown as often disputed when at least a fifth of its findings (and two or more) are.
    public var oftenDisputed: Bool { disputed >= 2 && rate.rate >= 0.2 }
}
