import Foundation
import ReplyQACore

/// An @-mention in a reply on a channel without @handles: meant for a colleague.
struct ColleagueMention: SafetyRule {
    static let rule = RuleDescription(
        id: "colleague-mention", category: .privacy, severity: .warning,
        summary: "An @-mention in a reply on a channel without @handles (meant for a colleague).",
        triggers: ["«@sam» can you refund this?"],
        passes: ["Write to help@northwind.example.", "Thanks, Linda."])

    let pattern: NSRegularExpression
    init(lexicon: SafetyLexicon) throws { pattern = try lexicon.compile(lexicon.patterns.mention, "mention") }

    func findings(in t: SafetyText) -> [Finding] {
        guard !t.context.config.handleChannels.contains(t.reply.channel.lowercased()) else { return [] }
        return pattern.matches(in: t.text, range: t.full).map { m in
            Self.rule.finding(span: t.span(m.range),
                              message: "An @-mention in an email reply is usually meant for a colleague, not the customer.")
        }
    }
}
