import Foundation
import ReplyQACore

/// What a reviewer said about a finding or about a reply's category score.
public enum ReviewVerdict: String, Codable, Sendable, CaseIterable {
    /// The finding is wrong: later runs keep it, show it as disputed and leave it out of scores.
    case disputed
    /// The finding was looked at and is right: it counts as reviewed in the rule's dispute rate.
    case upheld
    /// The reply's category score is off; `score` is the reviewer's, and it replaces ReplyQA's.
    case rescored
}

/// One review of a finding (by its fingerprint: reply, rule, the text it covers) or of a
/// category score (reply, category). A later review of the same thing replaces an earlier one.
public struct Review: Codable, Hashable, Sendable {
    /// Marks a review that holds for the same rule and text in every reply (a pattern).
    public static let anyReply = "*"

    /// The reply's content hash (the report's reply id), or `*` for every reply.
    public var reply: String
    /// The finding's rule (empty for a score review).
    public var rule: String
    /// The text the finding covers, as the report shows it (customer data masked).
    public var text: String
    /// The category whose score is off (empty for a finding review).
    public var category: String
    public var verdict: ReviewVerdict
    /// The reviewer's score for `category` (a `rescored` review only), 0-100.
    public var score: Int?
    public var reviewer: String
    /// Why, in the reviewer's words.
    public var note: String
    /// When it was decided (ISO 8601 date or time, as given).
    public var date: String
    /// Where the reply was read and whose it is: context for people, not part of the key.
    public var file: String
    public var agent: String

    public init(reply: String, rule: String = "", text: String = "", category: String = "", verdict: ReviewVerdict,
                score: Int? = nil, reviewer: String = "", note: String = "", date: String = "", file: String = "", agent: String = "") {
        self.reply = reply; self.rule = rule; self.text = Self.normalized(text); self.category = category; self.verdict = verdict
        self.score = score; self.reviewer = reviewer; self.note = note; self.date = date; self.file = file; self.agent = agent
    }

    /// What a review is about: a finding's fingerprint or a reply's category.
    public struct Key: Hashable, Sendable, Comparable {
        public var reply: String
        public var rule: String
        public var text: String
        public var category: String
        public init(reply: String, rule: String, text: String, category: String) {
            self.reply = reply; self.rule = rule; self.text = text; self.category = category
        }
        public static func < (a: Key, b: Key) -> Bool {
            (a.reply, a.rule, a.text, a.category) < (b.reply, b.rule, b.text, b.category)
        }
    }

    public var key: Key {
        verdict == .rescored ? Key(reply: reply, rule: "", text: "", category: category)
                             : Key(reply: reply, rule: rule, text: text, category: "")
    }

    /// Whether this review is about a finding (disputed or upheld) rather than a score.
    public var isFindingReview: Bool { verdict != .rescored }

    /// Spans are compared with their whitespace folded: a spreadsheet may turn a line break into
    /// CR LF or a space, and the finding is still the same.
    public static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A finding's stable fingerprint (reply content hash, rule, span text) as 16 hex digits: the
    /// report prints it beside each finding, and `replyqa reviews dispute` takes it.
    public static func fingerprint(reply: String, rule: String, text: String) -> String {
        var h = StableHash()
        for (i, part) in [reply, rule, normalized(text)].enumerated() { h.add(Array(part.utf8) + [0x1f, UInt8(i)]) }
        return h.hex
    }
}

/// The reviews in effect, latest per key, looked up by fingerprint.
public struct ReviewSet: Sendable {
    /// One review per key, sorted by key.
    public private(set) var reviews: [Review] = []
    var byKey: [Review.Key: Review] = [:]

    /// Later reviews of the same finding or score replace earlier ones.
    public init(_ reviews: [Review] = []) {
        for r in reviews { byKey[r.key] = r }
        self.reviews = byKey.keys.sorted().map { byKey[$0]! }
    }

    public var isEmpty: Bool { byKey.isEmpty }

    /// The reviews of `other` replace these where both judge the same thing.
    public func merging(_ other: ReviewSet) -> ReviewSet { ReviewSet(reviews + other.reviews) }

    /// The review of a finding: of this reply, else a pattern review of the same rule and text.
    public func review(reply: String, rule: String, text: String) -> Review? {
        let t = Review.normalized(text)
        return byKey[Review.Key(reply: reply, rule: rule, text: t, category: "")]
            ?? byKey[Review.Key(reply: Review.anyReply, rule: rule, text: t, category: "")]
    }

    /// Whether a finding is disputed (in this reply, or as a pattern).
    public func isDisputed(reply: String, rule: String, text: String) -> Bool {
        review(reply: reply, rule: rule, text: text)?.verdict == .disputed
    }

    /// The reviewer's scores for a reply's categories.
    public func rescored(reply: String) -> [String: Review] {
        var out: [String: Review] = [:]
        for r in reviews where r.verdict == .rescored && r.reply == reply { out[r.category] = r }
        return out
    }
}

extension Scorer {
    /// A scorer for a reply already scored on `categories` (the names its score lists) that
    /// `autoFailed` failed, so a review can re-score it without the run's rules: leaving findings
    /// out can only take rules off that list.
    public init(options: ScorecardOptions, categories: some Sequence<String>, autoFailed: [String]) {
        self.options = options
        let present = Set(categories)
        self.categories = Category.allCases.filter { present.contains($0.rawValue) }
        autoFailRules = autoFailed
    }

    /// The score of a reply once its reviews are applied: `disputed` findings are left out (a
    /// disputed finding of a rule that is part of the tone base gives back the points it cost
    /// there, `credits` by category), and a reviewer's category score in `overrides` replaces
    /// ReplyQA's before the overall score is weighed. An auto-fail finding that is disputed no
    /// longer fails the reply. With nothing disputed or overridden this is `score(...)` itself.
    public func rescore(_ findings: [Finding], disputed: [Bool], base: [String: Int] = [:], counted: Set<String> = [],
                        credits: [String: Double] = [:], overrides: [String: Int] = [:], emptyReply: Bool = false) -> ReplyScore {
        if emptyReply { return score([], emptyReply: true) }
        let kept = findings.indices.filter { !($0 < disputed.count && disputed[$0]) }.map { findings[$0] }
        var adjusted = base
        for (category, points) in credits where points > 0 {
            if let b = adjusted[category] { adjusted[category] = min(100, Int((Double(b) + points).rounded())) }
        }
        var result = score(kept, base: adjusted, counted: counted)
        guard !overrides.isEmpty else { return result }
        for (category, value) in overrides where result.categories[category] != nil {
            result.categories[category] = max(0, min(100, value))
        }
        let weighted = categories.map { (options.weights[$0.rawValue] ?? 1, Double(result.categories[$0.rawValue] ?? 100)) }
        let total = weighted.map(\.0).reduce(0, +)
        let overall = total > 0 ? Int((weighted.map { $0.0 * $0.1 }.reduce(0, +) / total).rounded()) : 100
        result.overall = result.autoFailed.isEmpty ? overall : 0
        return result
    }
}
