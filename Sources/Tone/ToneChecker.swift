import Foundation
import Relevance
import ReplyQACore
import TextAnalysis

/// Scores a reply's tone along the rubric (empathy, ownership, patience, politeness, greeting,
/// closing, clarity, tone fit, positivity) and reports the worst cases as findings.
public struct ToneChecker: Checker, BatchPreparing, ReadsLimitedText {
    public var name: String { "tone" }
    public let analyzer: ToneAnalyzer

    /// Built-in checks that become findings, with their severity and message.
    static let builtins: [String: (Category, Severity, String)] = [
        "missing-greeting": (.greeting, .warning, "The reply opens without a greeting; greet the customer by name."),
        "missing-closing": (.closing, .warning, "The reply ends without a closing: check that the issue is solved, offer more help or thank the customer."),
        "emoji": (.toneFit, .warning, "Emoji and emoticons are not used on this channel."),
        "shouting": (.toneFit, .warning, "ALL CAPS reads as shouting; write in normal case."),
        "wall-of-text": (.clarity, .warning, "This paragraph is a wall of text; break it into short paragraphs or steps."),
    ]

    public init(analyzer: ToneAnalyzer) { self.analyzer = analyzer }

    public init(lexicon: ToneLexicon, relevance: RelevanceLexicon? = nil) throws {
        analyzer = try ToneAnalyzer(lexicon: lexicon, terms: relevance.map { TermExtractor(lexicon: $0) })
    }

    /// Counts, for each sentence of four words or more, how many replies of the batch contain it.
    public func prepare(_ replies: [Reply], into batch: inout BatchContext) {
        let tokenizer = Tokenizer()
        for r in replies {
            // The same start of the reply that `analyze` reads.
            let text = ScalarOffsets(ReadLimit.prefix(of: r.authored))
            let tokens = tokenizer.tokenize(text.text)
            var seen = Set<String>()
            for s in SentenceSplitter.split(tokens) where s.tokens.count >= 4 {
                seen.insert(ToneAnalyzer.normalizedSentence(text.text(at: s.span)))
            }
            for s in seen { batch.sentenceReplies[s, default: 0] += 1 }
        }
    }

    /// Tone's findings are its dimensions' evidence: the scorecard must not count them twice.
    public var measuresOwnFindings: Bool { true }

    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] { analyze(reply, in: context).findings }

    /// The findings, the tone dimensions as measured scores and the tone profile as evidence. An
    /// empty reply has no tone to score; the empty-reply finding says what is wrong.
    public func analyze(_ reply: Reply, in context: CheckContext) -> CheckOutput {
        guard !reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return CheckOutput(findings: []) }
        let result = profile(reply, in: context)
        // Cues score without a finding: their evidence is where they matched. Built-in checks are
        // findings (their evidence with no penalty is a check passed, not a match).
        let marks = result.evidence.filter { Self.builtins[$0.cue] == nil }.map { RuleMark(rule: $0.cue, span: $0.span) }
        return CheckOutput(findings: findings(result), dimensions: result.dimensions, evidence: result, scoringMarks: marks)
    }

    func findings(_ result: ToneResult) -> [Finding] {
        var findings: [Finding] = []
        let reports = Dictionary(uniqueKeysWithValues: analyzer.lexicon.cues.compactMap { c in c.report.map { (c.id, ($0, c.dimension)) } })
        for e in result.evidence {
            if let (report, dimension) = reports[e.cue] {
                findings.append(Finding(category: dimension, rule: e.cue, severity: report.severity, span: e.span,
                                        message: report.message, suggestion: report.suggestion))
            } else if let (category, severity, message) = Self.builtins[e.cue], e.points < 0 {
                findings.append(Finding(category: category, rule: e.cue, severity: severity, span: e.span, message: message))
            }
        }
        return findings
    }

    /// The tone of a reply, scored against its channel's policy; of a very long reply, the tone of
    /// its first `ReadLimit.scalars` characters.
    public func profile(_ reply: Reply, in context: CheckContext) -> ToneResult {
        analyzer.analyze(ToneInput(text: ReadLimit.prefix(of: reply.authored), question: reply.question.map { ReadLimit.prefix(of: $0.text) },
                                   policy: context.config.tone.policy(for: reply.channel),
                                   names: Self.names(reply), sentenceReplies: context.batch.sentenceReplies,
                                   truncated: ReadLimit.exceeds(reply.authored)))
    }

    static func names(_ reply: Reply) -> Set<String> {
        var names = Set<String>()
        for n in [reply.agent, reply.question?.customerName ?? ""] + reply.recipients {
            for piece in n.lowercased().split(whereSeparator: { !$0.isLetter }) where piece.count > 1 { names.insert(String(piece)) }
        }
        return names
    }

    /// The reply every example runs as: an email to a customer whose tent pole snapped.
    public static func exampleReply(_ example: String) -> Reply {
        var text = example, channel = "email"
        if example.hasPrefix("["), let close = example.firstIndex(of: "]") {
            channel = String(example[example.index(after: example.startIndex)..<close])
            text = String(example[example.index(after: close)...].drop { $0 == " " })
        }
        return Reply(file: "example", messageID: nil, agent: "Maya Chen", channel: channel, date: nil, subject: nil,
                     fromAddress: "maya@northwind.example", recipients: ["Linda Park <linda@example.com>"], authored: text,
                     signature: nil, footer: nil, quoted: nil,
                     question: CustomerQuestion(text: "My new Ridgeline tent pole snapped on the first trip and I'm really upset. Can I get a replacement?",
                                                source: .thread, customerName: "Linda Park", customerAddress: "linda@example.com"),
                     attachments: [])
    }

    public var rules: [RuleDescription] {
        let cueRules = analyzer.lexicon.cues.map { c in
            RuleDescription(id: c.id, category: c.dimension, severity: c.report?.severity ?? .info,
                            summary: c.report == nil ? "Scoring cue (\(c.points > 0 ? "+" : "")\(Self.format(c.points)) \(c.dimension.rawValue)): \(c.description)" : c.description,
                            triggers: c.examples.trigger, passes: c.examples.pass)
        }
        return cueRules + Self.builtinRules
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    static let builtinRules: [RuleDescription] = [
        RuleDescription(id: "missing-greeting", category: .greeting, severity: .warning,
                        summary: "The reply opens without a greeting (on channels whose policy requires one).",
                        triggers: ["«As I said, orders ship in 5 days.»"],
                        passes: ["Hi Linda,\nOrders ship in 5 days.", "[social] Orders ship in 5 days."]),
        RuleDescription(id: "missing-closing", category: .closing, severity: .warning,
                        summary: "The reply ends without thanks, an offer of further help or a check that the issue is solved.",
                        triggers: ["Hi Linda,\nThe pole ships today.\n«It arrives on Friday.»"],
                        passes: ["Hi Linda,\nThe pole ships today. Is there anything else I can help with?", "Hi Linda,\nThe pole ships today.\nThanks for your patience!"]),
        RuleDescription(id: "emoji", category: .toneFit, severity: .warning,
                        summary: "Emoji or emoticons on a channel whose policy forbids them (by default every channel but social).",
                        triggers: ["Hi Linda, the pole ships today «🙂»", "Done «:)» Thanks!"],
                        passes: ["[social] Hi Linda, the pole ships today 🙂", "Meet us at 10:30 (Denver time)."]),
        RuleDescription(id: "shouting", category: .toneFit, severity: .warning,
                        summary: "Words in ALL CAPS (not acronyms): they read as shouting.",
                        triggers: ["You «MUST NOT» wash the tent.", "This is «IMPORTANT»."],
                        passes: ["Track it on the USPS site.", "Check the FAQ and the PDF.", "Please share your OS, CPU, RAM and GPU.",
                                 "Which OS and CPU does it have?", "Connect it with HDMI."]),
        RuleDescription(id: "wall-of-text", category: .clarity, severity: .warning,
                        summary: "A paragraph of more than \(ToneAnalyzer.wallOfTextWords) words.",
                        triggers: ["«" + String(repeating: "The pole ships today and arrives soon. ", count: 18).trimmingCharacters(in: .whitespaces) + "»"],
                        passes: [String(repeating: "The pole ships today and arrives soon. ", count: 8)]),
    ]
}

extension ToneResult: CheckEvidence {}
