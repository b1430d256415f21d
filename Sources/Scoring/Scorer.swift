import ReplyQACore

/// A reply's scorecard: 0-100 per rubric category the run checks, a weighted overall score, and
/// the auto-fail findings that forced it to 0.
public struct ReplyScore: Codable, Equatable, Sendable {
    public var overall: Int
    public var categories: [String: Int]
    /// Rule ids of the findings that failed the reply outright.
    public var autoFailed: [String]

    public init(overall: Int, categories: [String: Int], autoFailed: [String]) {
        self.overall = overall; self.categories = categories; self.autoFailed = autoFailed
    }

    enum CodingKeys: String, CodingKey { case overall, categories, autoFailed = "auto_failed" }
}

/// Turns findings into scores: each finding costs its category a penalty by severity (repeats of
/// the same rule cost half each time, so one habit does not zero a category), floored at 0.
public struct Scorer: Sendable {
    public var options: ScorecardOptions
    /// The categories some rule of this run can report; only those are scored.
    public var categories: [Category]
    /// The rules whose finding fails a reply: the scorecard's `auto_fail`, else the rules' own say.
    public var autoFailRules: [String]

    public init(options: ScorecardOptions, rules: [RuleDescription]) {
        self.options = options
        let present = Set(rules.map(\.category))
        categories = Category.allCases.filter { present.contains($0) }
        autoFailRules = options.autoFail ?? rules.autoFailing
    }

    /// The rule an empty reply fails on, whatever the scorecard's `auto_fail` list.
    public static let emptyReplyRule = "empty-reply"

    /// `base` gives a category's score before findings (the tone dimensions); the findings of
    /// `counted` rules are already part of that base and cost nothing more. An empty reply (no
    /// authored text) scores 0 in every category and overall, auto-failed as `empty-reply`: with
    /// nothing to find fault with it would otherwise score near 100.
    public func score(_ findings: [Finding], base: [String: Int] = [:], counted: Set<String> = [], emptyReply: Bool = false) -> ReplyScore {
        if emptyReply {
            return ReplyScore(overall: 0, categories: Dictionary(uniqueKeysWithValues: categories.map { ($0.rawValue, 0) }),
                              autoFailed: [Self.emptyReplyRule])
        }
        var scores: [String: Int] = [:]
        for c in categories {
            var lost = 100 - Double(base[c.rawValue] ?? 100)
            var seen: [String: Int] = [:]
            for f in findings where f.category == c && !counted.contains(f.rule) {
                let n = seen[f.rule, default: 0]
                seen[f.rule] = n + 1
                lost += (options.penalties[f.severity.rawValue] ?? 0) / Double(1 << min(n, 10))
            }
            scores[c.rawValue] = max(0, Int((100 - lost).rounded()))
        }
        let failing = Set(autoFailRules)
        let failed = Array(Set(findings.filter { failing.contains($0.rule) }.map(\.rule))).sorted()
        let weighted = categories.map { (options.weights[$0.rawValue] ?? 1, Double(scores[$0.rawValue] ?? 100)) }
        let total = weighted.map(\.0).reduce(0, +)
        let overall = total > 0 ? Int((weighted.map { $0.0 * $0.1 }.reduce(0, +) / total).rounded()) : 100
        return ReplyScore(overall: failed.isEmpty ? overall : 0, categories: scores, autoFailed: failed)
    }
}
