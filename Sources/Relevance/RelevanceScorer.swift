import Foundation
import ReplyQACore
import TextAnalysis

/// What kind of answer a customer's question wants.
public enum AnswerType: String, Codable, Sendable {
    case time, amount, steps, reason, place, yesNo = "yes-no", other
}

/// One thing the customer asked or requested.
public struct CustomerAsk: Codable, Sendable, Equatable {
    public var text: String
    public var type: AnswerType
    public var terms: [String]
}

/// How well a reply covers its question, with the evidence.
public struct RelevanceResult: Codable, Sendable, Equatable {
    /// 0 (about something else) to 1 (about this customer's issue): with the model, the chance that
    /// the reply answers this message rather than another one; without it, the word-overlap score.
    public var score: Double
    /// IDF-weighted share of the customer's key terms the reply uses.
    public var coverage: Double
    public var entities: Double?
    public var typeFit: Double?
    public var asks: [CustomerAsk]
    /// Customer key terms and entities the reply never mentions, most telling first.
    public var missing: [String]
    /// Asks the reply does not address.
    public var unanswered: [String]
    /// Share of the customer's five most telling terms the reply restates (active listening).
    public var listening: Double
    /// IDF-weighted share of the customer's key terms found in the reply (the first half of `coverage`).
    public var forwardCoverage: Double
    /// Distinct terms of the question (names left out) and of the reply.
    public var questionTerms: Int
    public var replyTerms: Int
    /// The word-overlap score: IDF-weighted shared terms, entity echo and answer-type fit (0 to 1).
    public var overlap: Double = 0
    /// Cosine of the sentence embeddings of the reply and the customer's message (with the model).
    public var similarity: Double?
    /// The chance that the reply is a generic hand-off that would fit any message (with the model).
    public var generic: Double?
    /// How close the reply comes to a stock hand-off sentence (with the model).
    public var handoffLikeness: Double?
    /// What the reply itself is about: its most telling terms that the customer never used.
    public var about: [String] = []
    /// The sentence of the customer's message that carries its gist, when the reply was flagged.
    public var gist: String?

    enum CodingKeys: String, CodingKey {
        case score, coverage, entities, typeFit = "type_fit", asks, missing, unanswered, listening
        case forwardCoverage = "forward_coverage", questionTerms = "question_terms", replyTerms = "reply_terms"
        case overlap, similarity, generic, handoffLikeness = "handoff_likeness", about, gist
    }
}

extension RelevanceResult: CheckEvidence {
    /// Fractions to three decimals: stable bytes across platforms and easier reading.
    public func encode(to encoder: any Encoder) throws {
        func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(round3(score), forKey: .score)
        try c.encode(round3(coverage), forKey: .coverage)
        try c.encodeIfPresent(entities.map(round3), forKey: .entities)
        try c.encodeIfPresent(typeFit.map(round3), forKey: .typeFit)
        try c.encode(asks, forKey: .asks)
        try c.encode(missing, forKey: .missing)
        try c.encode(unanswered, forKey: .unanswered)
        try c.encode(round3(listening), forKey: .listening)
        try c.encode(round3(forwardCoverage), forKey: .forwardCoverage)
        try c.encode(questionTerms, forKey: .questionTerms)
        try c.encode(replyTerms, forKey: .replyTerms)
        try c.encode(round3(overlap), forKey: .overlap)
        try c.encodeIfPresent(similarity.map(round3), forKey: .similarity)
        try c.encodeIfPresent(generic.map(round3), forKey: .generic)
        try c.encodeIfPresent(handoffLikeness.map(round3), forKey: .handoffLikeness)
        try c.encode(about, forKey: .about)
        try c.encodeIfPresent(gist, forKey: .gist)
    }
}

/// Document frequencies of a batch, for IDF weights (relevance's batch fact).
public struct TermStatistics: BatchFact {
    public var documentFrequency: [String: Int] = [:]
    public var documents = 0
    public init() {}

    public mutating func add(_ terms: [String]) {
        documents += 1
        for t in Set(terms) { documentFrequency[t, default: 0] += 1 }
    }
}

/// Scores a reply against the customer's message: weighted term coverage (synonyms and light
/// stemming), entity echo, and whether each question gets the kind of answer it asks for.
public struct RelevanceScorer: Sendable {
    public let extractor: TermExtractor
    /// The weights of the three parts of the score (renormalized over the parts that apply).
    public static let weights = (coverage: 0.6, entities: 0.25, typeFit: 0.15)
    /// Only the customer's most telling terms count, so a long message does not dilute the score.
    public static let termLimit = 12
    /// Below this score a reply is taken to be about something else.
    public static let offTopicThreshold = 0.1

    public init(extractor: TermExtractor) { self.extractor = extractor }

    func idf(_ term: String, _ stats: TermStatistics) -> Double {
        let df = Double(stats.documentFrequency[term] ?? 0)
        let value = log((Double(stats.documents) + 1) / (df + 1)) + 1
        return extractor.lexicon.common.contains(term) ? value * 0.2 : value
    }

    /// Term -> the first word of the text that produced it ("receiv" -> "received").
    func surfaceForms(_ tokens: [Token]) -> [String: String] {
        var forms: [String: String] = [:]
        for t in tokens where t.isWord {
            for term in extractor.terms([t]) where forms[term] == nil { forms[term] = t.normalized }
        }
        return forms
    }

    public func asks(in text: String) -> [CustomerAsk] {
        let tokens = extractor.tokens(text)
        return SentenceSplitter.split(tokens).compactMap { s in
            let sentenceTokens = Array(tokens[s.tokens])
            let lower = text.text(at: s.span).lowercased().replacingOccurrences(of: "’", with: "'")
            let first = sentenceTokens.first { $0.isWord }?.normalized ?? ""
            let isQuestion = lower.hasSuffix("?") || Self.questionOpeners.contains(first)
            let isRequest = Self.requestMarkers.contains { lower.contains($0) }
            guard isQuestion || isRequest else { return nil }
            let terms = extractor.terms(sentenceTokens)
            guard !terms.isEmpty else { return nil }
            return CustomerAsk(text: text.text(at: s.span), type: Self.type(of: lower, first: first), terms: terms)
        }
    }

    static let questionOpeners: Set<String> = ["how", "what", "when", "where", "why", "which", "who", "can", "could", "would",
                                               "will", "is", "are", "do", "does", "did", "should", "may", "has", "have"]
    static let requestMarkers = ["i need", "i want", "i would like", "i'd like", "please", "can you", "could you", "help me",
                                 "how do i", "how can i", "i'm looking for", "let me know"]

    static func type(of s: String, first: String) -> AnswerType {
        if s.contains("how long") || s.contains("what time") || s.hasPrefix("when") || s.contains("by when")
            || s.contains(" when ") { return .time }
        if s.contains("how much") || s.contains("price") || s.contains(" cost") { return .amount }
        if s.contains("how do i") || s.contains("how can i") || s.contains("how to") || s.contains("what do i need to do")
            || s.contains("what should i do") || s.contains("what can i do") || s.contains("what do i do") { return .steps }
        if first == "why" { return .reason }
        if first == "where" { return .place }
        if ["can", "could", "do", "does", "is", "are", "will", "would", "did", "should", "has", "have"].contains(first) { return .yesNo }
        return .other
    }

    /// Whether the reply holds the kind of answer `type` wants.
    /// Words that give each kind of answer, one compiled pattern per kind.
    static let answerWords: [AnswerType: NSRegularExpression] = {
        let words: [AnswerType: [String]] = [
            .time: ["today", "tomorrow", "tonight", "within", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday", "days?", "hours?", "weeks?", "minutes?", "morning", "afternoon", "evening",
                    "\\d{1,2}(:\\d{2})? ?(am|pm)", "asap", "now"],
            .amount: ["free", "dollars?", "euros?", "no cost", "charge", "fee", "price"],
            .steps: ["go to", "click", "tap", "open", "choose", "select", "follow", "enter", "sign in", "visit", "use",
                     "reply with", "send us"],
            .reason: ["because", "due to", "since", "caused by", "the reason", "as a result", "which is why", "that's why"],
            .place: ["at our", "located", "address", "store", "in \\w+"],
            .yesNo: ["yes", "no", "yep", "sure", "unfortunately", "we do", "we don't", "you can", "you can't", "it is", "it isn't",
                     "we can", "we can't"],
        ]
        return words.mapValues { try! NSRegularExpression(pattern: "\\b(?:" + $0.joined(separator: "|") + ")\\b",
                                                          options: [.caseInsensitive]) }
    }()

    /// Whether the reply holds the kind of answer `type` wants.
    func fits(_ type: AnswerType, reply: String, tokens: [Token]) -> Bool? {
        guard type != .other else { return nil }
        func has(_ kind: SkipKind) -> Bool { tokens.contains { if case .skipped(kind) = $0.kind { return true }; return false } }
        switch type {
        case .time: if has(.date) { return true }
        case .steps, .place: if has(.url) { return true }
        case .amount: if reply.contains("$") || reply.contains("€") || reply.contains("£") { return true }
        default: break
        }
        let r = Self.answerWords[type]!
        return r.firstMatch(in: reply, range: NSRange(location: 0, length: reply.utf16.count)) != nil
    }

    /// A question the customer wants answered: it ends with "?", opens like a question, names
    /// two telling words, does not vent ("WTF?", "Whyyy??"), and is not put to somebody else
    /// (an @handle that is not the brand's).
    func isOpenQuestion(_ ask: CustomerAsk, ignore: Set<String>) -> Bool {
        let lexicon = extractor.lexicon.openQuestions
        let trimmed = ask.text.trimmingCharacters(in: .whitespacesAndNewlines.union(.symbols)
            .union(.punctuationCharacters.subtracting(CharacterSet(charactersIn: "?"))))
        guard trimmed.hasSuffix("?"), !trimmed.hasSuffix("??") else { return false }
        let tokens = extractor.tokens(ask.text)
        var handles: [String] = []
        var opener: String?
        for t in tokens {
            if case .skipped(.handle) = t.kind { handles.append(String(t.normalized.dropFirst())); continue }
            guard t.isWord else { continue }
            if opener == nil, lexicon.leadIns.contains(t.normalized) { continue }
            opener = opener ?? t.normalized
            // Letters stretched for effect ("whyyyy", "pleaseeee") are a vent.
            if t.isStretched { return false }
        }
        guard let first = opener, lexicon.openers.contains(first) else { return false }
        let lower = " " + ask.text.lowercased().replacingOccurrences(of: "’", with: "'") + " "
        if lexicon.rhetorical.contains(where: { Self.containsPhrase(lower, $0) }) { return false }
        // Put to another company ("@ATT what did you do?"): not this brand's to answer.
        if handles.contains(where: { h in !ignore.contains { $0.count >= 3 && (h.contains($0) || $0.contains(h)) } }) { return false }
        let telling = Set(ask.terms).filter { !extractor.lexicon.common.contains($0) && !ignore.contains($0) }
        return telling.count >= 2
    }

    /// Whether the reply sends the customer somewhere that can answer in full (a link, a
    /// referral) or asks them for details: then the rest of their questions are in hand.
    func handsOn(_ reply: String, tokens: [Token]) -> Bool {
        if tokens.contains(where: { if case .skipped(.url) = $0.kind { return true }; return false }) { return true }
        if tokens.contains(where: { $0.text == "?" }) { return true }
        let lower = " " + reply.lowercased().replacingOccurrences(of: "’", with: "'") + " "
        return extractor.lexicon.openQuestions.referrals.contains { Self.containsPhrase(lower, $0) }
    }

    /// `phrase` as whole words inside `text` (which is padded with spaces).
    static func containsPhrase(_ text: String, _ phrase: String) -> Bool {
        var from = text.startIndex
        while let r = text.range(of: phrase, range: from..<text.endIndex) {
            let before = text[..<r.lowerBound].last, after = text[r.upperBound...].first
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            from = r.upperBound
        }
        return false
    }

    /// `ignore` holds lower-cased names (customer, agent) that say nothing about the topic.
    public func score(reply: String, question: String, stats: TermStatistics, ignore: Set<String> = []) -> RelevanceResult {
        let qTokens = extractor.tokens(question), rTokens = extractor.tokens(reply)
        let qTerms = extractor.terms(qTokens).filter { !ignore.contains($0) }, rTerms = Set(extractor.terms(rTokens))
        var weights: [String: Double] = [:]
        for t in qTerms { weights[t] = idf(t, stats) }
        let key = weights.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.termLimit)
        let total = key.map(\.value).reduce(0, +)
        let covered = key.filter { rTerms.contains($0.key) }.map(\.value).reduce(0, +)
        let forward = total > 0 ? covered / total : 0
        // ...and how much of what the reply talks about comes from the question: a reply padded
        // with unrelated macro text covers less of itself.
        let qSet = Set(qTerms)
        var rWeights: [String: Double] = [:]
        for t in rTerms { rWeights[t] = idf(t, stats) }
        let rKey = rWeights.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.termLimit)
        let rTotal = rKey.map(\.value).reduce(0, +)
        let backward = rTotal > 0 ? rKey.filter { qSet.contains($0.key) }.map(\.value).reduce(0, +) / rTotal : 0
        let coverage = (forward + backward) / 2

        let qEntities = extractor.entities(qTokens).union(extractor.quotedEntities(question)).subtracting(ignore)
        let rText = reply.lowercased()
        let echoed = qEntities.filter { rText.contains($0) }
        let entities: Double? = qEntities.isEmpty ? nil : Double(echoed.count) / Double(qEntities.count)

        let asks = asks(in: question)
        let verdicts = asks.compactMap { self.fits($0.type, reply: reply, tokens: rTokens) }
        let typeFit: Double? = verdicts.isEmpty ? nil : Double(verdicts.filter { $0 }.count) / Double(verdicts.count)

        var parts: [(Double, Double)] = [(Self.weights.coverage, coverage)]
        if let e = entities { parts.append((Self.weights.entities, e)) }
        if let f = typeFit { parts.append((Self.weights.typeFit, f)) }
        let score = parts.map { $0.0 * $0.1 }.reduce(0, +) / parts.map(\.0).reduce(0, +)

        func addressed(_ ask: CustomerAsk) -> Bool {
            let t = Set(ask.terms).filter { !extractor.lexicon.common.contains($0) && !ignore.contains($0) }
            let hit = !t.isDisjoint(with: rTerms)
            return hit && (self.fits(ask.type, reply: reply, tokens: rTokens) ?? true) || hit && t.count > 2
        }
        // Only a real question the reply leaves open counts, and only when the reply answers
        // another one itself: a reply that links, refers or asks back is handling the rest.
        let open = asks.filter { isOpenQuestion($0, ignore: ignore) }
        let unanswered = open.isEmpty || handsOn(reply, tokens: rTokens) || !asks.contains(where: addressed)
            ? [] : open.filter { !addressed($0) }.map(\.text)
        // Evidence in the customer's own words: entities first, then the missing terms as written.
        let surface = surfaceForms(qTokens)
        var missing: [String] = []
        // Only words the customer wrote count as evidence: not a link's fragments, dates or names.
        let notTopics = extractor.lexicon.notTopics
        let missingEntities = qEntities.subtracting(echoed).filter { !notTopics.contains($0) }.sorted()
        let missingTerms = key.filter { !rTerms.contains($0.key) && !extractor.lexicon.common.contains($0.key) }
            .compactMap { surface[$0.key] }
        for m in missingEntities + missingTerms where !missing.contains(m) && !notTopics.contains(m) { missing.append(m) }
        let top = key.prefix(5)
        let listening = top.isEmpty ? 0 : Double(top.filter { rTerms.contains($0.key) }.count) / Double(top.count)
        // What the reply is about, in its own words: its most telling terms the customer never used.
        let replySurface = surfaceForms(rTokens)
        let about = rKey.filter { !qSet.contains($0.key) && !ignore.contains($0.key) && !extractor.lexicon.common.contains($0.key) }
            .compactMap { replySurface[$0.key] }.filter { !notTopics.contains($0) }.prefix(4).map { $0 }
        return RelevanceResult(score: score, coverage: coverage, entities: entities, typeFit: typeFit, asks: asks,
                               missing: missing, unanswered: asks.count >= 2 ? unanswered : [], listening: listening,
                               forwardCoverage: forward, questionTerms: Set(qTerms).count, replyTerms: rTerms.subtracting(ignore).count,
                               overlap: score, about: about)
    }
}
