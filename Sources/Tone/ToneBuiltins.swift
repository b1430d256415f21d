import Foundation
import ReplyQACore

/// A built-in tone check that reports: its rule (the only place its facts are written) and the
/// message its findings carry. What it earns or costs is data (`builtins:` in the lexicon).
public struct ToneBuiltin: Sendable {
    public var rule: RuleDescription
    public var message: String

    static let missingGreeting = ToneBuiltin(
        rule: RuleDescription(id: "missing-greeting", category: .greeting, severity: .warning,
                              summary: "The reply opens without a greeting (on channels whose policy requires one).",
                              triggers: ["«As I said, orders ship in 5 days.»"],
                              passes: ["Hi Linda,\nOrders ship in 5 days.", "[social] Orders ship in 5 days."]),
        message: "The reply opens without a greeting; greet the customer by name.")
    static let missingClosing = ToneBuiltin(
        rule: RuleDescription(id: "missing-closing", category: .closing, severity: .warning,
                              summary: "The reply ends without thanks, an offer of further help or a check that the issue is solved.",
                              triggers: ["Hi Linda,\nThe pole ships today.\n«It arrives on Friday.»"],
                              passes: ["Hi Linda,\nThe pole ships today. Is there anything else I can help with?",
                                       "Hi Linda,\nThe pole ships today.\nThanks for your patience!"]),
        message: "The reply ends without a closing: check that the issue is solved, offer more help or thank the customer.")
    static let emoji = ToneBuiltin(
        rule: RuleDescription(id: "emoji", category: .toneFit, severity: .warning,
                              summary: "Emoji or emoticons on a channel whose policy forbids them (by default every channel but social).",
                              triggers: ["Hi Linda, the pole ships today «🙂»", "Done «:)» Thanks!"],
                              passes: ["[social] Hi Linda, the pole ships today 🙂", "Meet us at 10:30 (Denver time)."]),
        message: "Emoji and emoticons are not used on this channel.")
    static let shouting = ToneBuiltin(
        rule: RuleDescription(id: "shouting", category: .toneFit, severity: .warning,
                              summary: "Words in ALL CAPS (not acronyms): they read as shouting.",
                              triggers: ["You «MUST NOT» wash the tent.", "This is «IMPORTANT»."],
                              passes: ["Track it on the USPS site.", "Check the FAQ and the PDF.",
                                       "Please share your OS, CPU, RAM and GPU.",
                                       "Which OS and CPU does it have?", "Connect it with HDMI."]),
        message: "ALL CAPS reads as shouting; write in normal case.")
    /// Its summary names the lexicon's word limit (`{max_words}`).
    static let wallOfText = ToneBuiltin(
        rule: RuleDescription(id: "wall-of-text", category: .clarity, severity: .warning,
                              summary: "A paragraph of more than {max_words} words.",
                              triggers: ["«" + String(repeating: "The pole ships today and arrives soon. ", count: 18)
                                  .trimmingCharacters(in: .whitespaces) + "»"],
                              passes: [String(repeating: "The pole ships today and arrives soon. ", count: 8)]),
        message: "This paragraph is a wall of text; break it into short paragraphs or steps.")

    /// A piece of tone evidence of this check: its dimension is the rule's category.
    func evidence(span: Span, text: String, points: Double, note: String?) -> ToneEvidence {
        ToneEvidence(dimension: rule.category, cue: rule.id, span: span, text: text, points: points, note: note)
    }

    /// Every built-in that reports, in the order `replyqa rules` lists them.
    static let all: [ToneBuiltin] = [missingGreeting, missingClosing, emoji, shouting, wallOfText]
}
