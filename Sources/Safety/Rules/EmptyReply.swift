import Foundation
import ReplyQACore

/// A reply with nothing the agent wrote.
struct EmptyReply: SafetyRule {
    static let rule = RuleDescription(
        id: "empty-reply", category: .privacy, severity: .error,
        summary: "Nothing written by the agent: an empty reply, or only a signature or quoted text.",
        triggers: ["«»"], passes: ["Thanks, Linda."])
    static var readsEmptyReplies: Bool { true }

    init(lexicon: SafetyLexicon) throws {}

    func findings(in t: SafetyText) -> [Finding] {
        let reply = t.reply
        guard reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        let why = reply.signature != nil ? "The reply holds only a signature."
            : reply.quoted != nil ? "The reply holds only quoted text." : "The reply is empty."
        return [Self.rule.finding(span: Span(start: 0, end: 0), message: why)]
    }
}
