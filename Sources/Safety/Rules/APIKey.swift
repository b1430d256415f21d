import Foundation
import ReplyQACore

/// An API key or access token in the reply.
struct APIKey: SafetyRule {
    static let rule = RuleDescription(
        id: "api-key", category: .privacy, severity: .error,
        summary: "An API key or access token (Stripe, AWS, GitHub, Slack, Google, JWT, or after \"api key:\").",
        triggers: ["Use «sk_live_4eC39HqLyjWDarjtT1zdp7dc» in the app.", "API key: «a1b2c3d4e5f6g7h8i9j0k1l2»"],
        passes: ["Create an API key in your settings.", "The token expired; sign in again.",
                 "See https://example.com/docs?api_key=a1b2c3d4e5f6g7h8i9j0k1l2"],
        sensitive: true, autoFail: true)

    let patterns: [NSRegularExpression]
    init(lexicon: SafetyLexicon) throws {
        patterns = try lexicon.patterns.apiKeys.enumerated().map { try lexicon.compile($1, "api_keys[\($0)]") }
    }

    func findings(in t: SafetyText) -> [Finding] {
        patterns.flatMap { p in
            p.matches(in: t.text, range: t.full).compactMap { m -> Finding? in
                // Where the pattern has a group, the group is the secret ("API key: <key>").
                let r = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
                if t.inZone(r) { return nil }
                return Self.rule.finding(span: t.span(r), message: "This looks like an API key or access token; never put it in a reply.")
            }
        }
    }
}
