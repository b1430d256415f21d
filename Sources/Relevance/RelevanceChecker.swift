import Foundation
import ReplyQACore
import TextAnalysis

/// Finds replies that do not answer what the customer asked: canned answers that ignore the
/// question, replies about something else, and questions left out.
public struct RelevanceChecker: Checker, ReadsLimitedText {
    public var name: String { "relevance" }
    public let scorer: RelevanceScorer
    /// A canned reply scoring below this ignores the question.
    public static let ignoresThreshold = 0.25
    /// Question and reply both need this many distinct terms before a reply can be off-topic.
    public static let offTopicMinimumTerms = 5
    /// A text sent this many times in a batch counts as canned.
    public static let cannedCount = 3

    /// Meaning read with the sentence-embedding model; nil to judge by word overlap alone.
    public let semantic: SemanticRelevance?

    public init(lexicon: RelevanceLexicon, semantic: SemanticRelevance? = nil) {
        scorer = RelevanceScorer(extractor: TermExtractor(lexicon: lexicon))
        self.semantic = semantic
    }

    public func prepare(_ replies: [Reply], into batch: inout BatchContext) {
        var stats = TermStatistics()
        for r in replies {
            stats.add(scorer.extractor.terms(scorer.extractor.tokens(ReadLimit.prefix(of: r.authored))))
            if let q = r.question { stats.add(scorer.extractor.terms(scorer.extractor.tokens(ReadLimit.prefix(of: q.text)))) }
        }
        batch[TermStatistics.self] = stats
    }

    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] { analyze(reply, in: context).findings }

    /// The findings, with the relevance analysis as evidence (none without a question).
    public func analyze(_ reply: Reply, in context: CheckContext) -> CheckOutput {
        guard let result = relevance(reply, in: context) else { return CheckOutput(findings: []) }
        return CheckOutput(findings: reply.authored.isEmpty ? [] : findings(reply, result, in: context), evidence: result)
    }

    func findings(_ reply: Reply, _ result: RelevanceResult, in context: CheckContext) -> [Finding] {
        guard let generic = result.generic else { return overlapFindings(reply, result, in: context) }
        let whole = Span(start: 0, end: reply.authored.unicodeScalars.count)
        let canned = context.batch[CannedReplies.self][reply].flatMap { $0.count >= Self.cannedCount || $0.macro != nil ? $0 : nil }
        let asked = result.gist.map { "“\($0)”" } ?? result.missing.prefix(3).joined(separator: ", ")
        let closed = asked.last.map { ".?!”".contains($0) } == true && result.gist == nil
        let askedPart = asked.isEmpty ? "" : " The customer asked: \(asked)" + (closed ? "" : ".")
        let settings = semantic?.settings
        if generic >= settings?.genericFrom ?? 1 {
            let what = canned?.macro.map { " (macro “\($0)”)" } ?? ""
            let message = "A generic hand-off\(what) that would fit any message; it does not engage with this customer's issue.\(askedPart)"
            return [Self.genericReply.finding(span: whole, message: message,
                                              severity: context.config.relevance.genericReplySeverity(channel: reply.channel))]
        }
        guard result.score < settings?.wrongBelow ?? 0 else { return unanswered(reply, result) }
        let about = result.about.isEmpty ? "" : " The reply is about \(result.about.joined(separator: ", "))."
        if let canned {
            let message = "This \(Self.cannedText(canned)) is about another issue than the customer's.\(askedPart)\(about)"
            return [Self.ignoresQuestion.finding(span: whole, message: message)]
        }
        return [Self.offTopic.finding(span: whole,
                                      message: "The reply seems to be about another issue than the customer's.\(askedPart)\(about)")]
    }

    /// "macro “x”" or "a canned text", with how often and by how many agents it was sent in the batch.
    static func cannedText(_ canned: CannedReply) -> String {
        let what = canned.macro.map { "macro “\($0)”" } ?? "a canned text"
        guard canned.count > 1 else { return what }
        return what + " (sent \(canned.count) times in this batch by \(canned.agents.count) agent\(canned.agents.count == 1 ? "" : "s"))"
    }

    func unanswered(_ reply: Reply, _ result: RelevanceResult) -> [Finding] {
        let whole = Span(start: 0, end: reply.authored.unicodeScalars.count)
        return result.unanswered.map { ask in
            Self.unansweredQuestion.finding(span: whole, message: "The customer also asked “\(ask)”; the reply does not address it.")
        }
    }

    /// Without the model: word overlap alone, with the stricter thresholds it needs.
    func overlapFindings(_ reply: Reply, _ result: RelevanceResult, in context: CheckContext) -> [Finding] {
        let whole = Span(start: 0, end: reply.authored.unicodeScalars.count)
        let missing = Array(result.missing.prefix(4))
        let canned = context.batch[CannedReplies.self][reply]
        if let canned, canned.count >= Self.cannedCount || canned.macro != nil, result.score < Self.ignoresThreshold {
            let message = "The customer asked about \(missing.prefix(2).joined(separator: " and ")); the reply is "
                + "\(Self.cannedText(canned)) and mentions none of: \(missing.joined(separator: ", "))."
            return [Self.ignoresQuestion.finding(span: whole, message: message)]
        }
        // Off-topic only when nothing of the question comes back at all: no term, no entity.
        // A short "DM us" is a deflection, not an answer about something else: only replies with
        // some substance of their own count.
        if result.score < RelevanceScorer.offTopicThreshold, result.forwardCoverage == 0, (result.entities ?? 0) == 0,
           result.questionTerms >= Self.offTopicMinimumTerms, result.replyTerms >= Self.offTopicMinimumTerms {
            let message = "The reply mentions nothing the customer asked about (\(missing.joined(separator: ", ")))."
            return [Self.offTopic.finding(span: whole, message: message)]
        }
        return unanswered(reply, result)
    }

    /// The relevance of a reply to its question (nil without a question).
    public func relevance(_ reply: Reply, in context: CheckContext) -> RelevanceResult? {
        reply.question.map { compute(reply, question: $0, context: context) }
    }

    /// Of a very long reply or question, only the first `ReadLimit.scalars` characters are read.
    func compute(_ reply: Reply, question: CustomerQuestion, context: CheckContext) -> RelevanceResult {
        let text = ReadLimit.prefix(of: reply.authored), asked = ReadLimit.prefix(of: question.text)
        var stats = context.batch[TermStatistics.self]
        if stats.documents == 0 {
            for t in [text, asked] { stats.add(scorer.extractor.terms(scorer.extractor.tokens(t))) }
        }
        var result = scorer.score(reply: text, question: asked, stats: stats, ignore: PartyNames.words(of: reply))
        guard context.config.relevance.semantic, let semantic,
              let judged = semantic.judge(reply: text, question: asked, overlap: result.overlap) else { return result }
        result.score = judged.answers
        result.similarity = judged.features.similarity
        result.generic = judged.generic
        result.handoffLikeness = judged.features.handoffLikeness
        // Only for a reply that will be flagged: the sentence a coach should read first.
        if judged.generic >= semantic.settings.genericFrom || judged.answers < semantic.settings.wrongBelow {
            let sentences = SentenceSplitter.split(scorer.extractor.tokens(asked)).map { asked.text(at: $0.span) }
            result.gist = semantic.gist(of: sentences, question: asked)
        }
        return result
    }

    public var rules: [RuleDescription] { [Self.ignoresQuestion, Self.genericReply, Self.offTopic, Self.unansweredQuestion] }

    static let ignoresQuestion = RuleDescription(
        id: "ignores-question", category: .relevance, severity: .error,
        summary: "A canned reply (a macro, or a text sent \(cannedCount)+ times in the batch) about another issue than the customer's: "
            + "read from the meaning of both texts (sentence embeddings) and their shared words; the message quotes what the customer "
            + "asked and says what the reply is about.",
        triggers: ["[question: I returned the stove from order 48213 two weeks ago. When will I get my refund? | macro: change-email] "
            + "«To change the email address on your account, open Settings, choose Profile, then Email, and confirm the code we send " +
                "you.»"],
        passes: ["[question: I forgot my password. How do I reset it? | macro: password-reset] "
                    + "To reset your password, open the app, choose Sign in, then Forgot password.",
                 "[question: My order 48213 never arrived, where is it? | macro: dm-us] "
                    + "Please send us a DM with your order number and we'll look into it."])

    static let genericReply = RuleDescription(
        id: "generic-reply", category: .relevance, severity: .info,
        summary: "A generic hand-off that would fit any message to the brand (\"DM us your details\", \"email us and we will assist\"): "
            + "neither right nor wrong for this issue. Info by default; `relevance.generic_reply` sets its severity per channel.",
        triggers: ["[question: The Summit boots I bought last week have a split sole after two hikes. Can I get them replaced?] "
            + "«Please send us a DM with more details and we'll take a look.»"],
        passes: ["[question: The Summit boots I bought last week have a split sole after two hikes. Can I get them replaced?] "
            + "Sorry about the split sole! Boots under a year old are replaced free: bring them to any store with your receipt."])

    static let offTopic = RuleDescription(
        id: "off-topic", category: .relevance, severity: .info,
        summary: "A reply written for this customer (not canned) that seems to be about another issue than theirs, "
            + "by the same evidence as ignores-question.",
        triggers: ["[question: Are the Summit hiking boots waterproof for river crossings?] "
            + "«Standard orders ship within two business days from our warehouse.»"],
        passes: ["[question: Are the Summit hiking boots waterproof for river crossings?] "
            + "Yes, the Summit boots are fully waterproof up to the ankle."])

    static let unansweredQuestion = RuleDescription(
        id: "unanswered-question", category: .relevance, severity: .info,
        summary: "The customer asked several real questions and the reply answers one but leaves another open, with no link or "
            + "referral that could cover it (named in the message). Info: whether a link answers a question cannot be read from "
            + "the text, and on real replies the rule was right for 9 of 67 findings before the open-question filter.",
        triggers: ["[question: Do you ship to Canada? And are the Summit boots waterproof?] "
            + "«Yes, we ship to Canada within 5 to 10 business days.»"],
        passes: ["[question: Do you ship to Canada? And are the Summit boots waterproof?] "
            + "Yes, we ship to Canada, and yes, the Summit boots are waterproof."])
}
