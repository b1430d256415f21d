import Foundation
import Relevance
import ReplyQACore
import TextAnalysis

/// Scores a reply's tone along the rubric (empathy, ownership, patience, politeness, greeting,
/// closing, clarity, tone fit, positivity) and reports the worst cases as findings.
public struct ToneChecker: Checker, ReadsLimitedText {
    public var name: String { "tone" }
    public let analyzer: ToneAnalyzer
    /// Every rule: the cues, then the built-in checks.
    public let rules: [RuleDescription]
    /// Cues that report, and built-ins, by id: what a piece of evidence becomes as a finding.
    let reporting: [String: (rule: RuleDescription, report: ToneCue.Report)]
    let builtins: [String: ToneBuiltin]

    public init(analyzer: ToneAnalyzer) {
        self.analyzer = analyzer
        let lexicon = analyzer.lexicon
        let builtinRules = ToneBuiltin.all.map { b in
            var rule = b.rule
            rule.summary = rule.summary.replacingOccurrences(of: "{max_words}", with: String(lexicon.builtins.wallOfText.maxWords))
            return rule
        }
        rules = lexicon.cues.map(\.rule) + builtinRules
        reporting = Dictionary(uniqueKeysWithValues: lexicon.cues.compactMap { c in c.report.map { (c.id, (c.rule, $0)) } })
        builtins = Dictionary(uniqueKeysWithValues: ToneBuiltin.all.map { ($0.rule.id, $0) })
    }

    public init(lexicon: ToneLexicon, relevance: RelevanceLexicon? = nil) throws {
        self.init(analyzer: try ToneAnalyzer(lexicon: lexicon, terms: relevance.map { TermExtractor(lexicon: $0) }))
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
            for s in seen { batch[StockSentences.self].replies[s, default: 0] += 1 }
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
        let marks = result.evidence.filter { builtins[$0.cue] == nil }.map { RuleMark(rule: $0.cue, span: $0.span) }
        return CheckOutput(findings: findings(result), dimensions: result.dimensions, evidence: result, scoringMarks: marks)
    }

    func findings(_ result: ToneResult) -> [Finding] {
        result.evidence.compactMap { e in
            if let (rule, report) = reporting[e.cue] {
                return rule.finding(span: e.span, message: report.message, suggestion: report.suggestion)
            }
            if let builtin = builtins[e.cue], e.points < 0 { return builtin.rule.finding(span: e.span, message: builtin.message) }
            return nil
        }
    }

    /// The tone of a reply, scored against its channel's policy; of a very long reply, the tone of
    /// its first `ReadLimit.scalars` characters.
    public func profile(_ reply: Reply, in context: CheckContext) -> ToneResult {
        analyzer.analyze(ToneInput(text: ReadLimit.prefix(of: reply.authored),
                                   question: reply.question.map { ReadLimit.prefix(of: $0.text) },
                                   policy: context.config.tone.policy(for: reply.channel),
                                   names: PartyNames.words(of: reply), sentenceReplies: context.batch[StockSentences.self].replies,
                                   truncated: ReadLimit.exceeds(reply.authored)))
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
                     question: CustomerQuestion(
                         text: "My new Ridgeline tent pole snapped on the first trip and I'm really upset. Can I get a replacement?",
                                                source: .thread, customerName: "Linda Park", customerAddress: "linda@example.com"),
                     attachments: [])
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

extension ToneResult: CheckEvidence {}

/// How many replies of the batch contain each (normalized) sentence of four words or more: stock
/// phrasing (tone's batch fact).
public struct StockSentences: BatchFact {
    public var replies: [String: Int] = [:]
    public init() {}
}
