import Foundation
import Relevance
import ReplyQACore
import TextAnalysis

/// A sentence (or phrase) that earned or cost a tone dimension points.
public struct ToneEvidence: Codable, Hashable, Sendable {
    public var dimension: Category
    /// The cue or built-in check that matched.
    public var cue: String
    public var span: Span
    public var text: String
    /// Points earned (positive) or lost (negative), after repeats, relevance and boilerplate.
    public var points: Double
    /// Why the points differ from the cue's own ("stock phrase", "not tied to the issue", ...).
    public var note: String?
}

/// How hard a reply is to read (Flesch reading ease, Flesch-Kincaid grade).
public struct Readability: Codable, Hashable, Sendable {
    public var words: Int
    public var sentences: Int
    public var fleschReadingEase: Double
    public var gradeLevel: Double
    public var averageSentenceLength: Double
    /// Share of words with three or more syllables.
    public var longWordShare: Double

    enum CodingKeys: String, CodingKey {
        case words, sentences, fleschReadingEase = "flesch_reading_ease", gradeLevel = "grade_level"
        case averageSentenceLength = "average_sentence_length", longWordShare = "long_word_share"
    }
}

/// The overall impression of a reply's tone.
public enum ToneLabel: String, Codable, Sendable, CaseIterable {
    case warm, neutral, curt, robotic, hostile
}

/// A reply's tone: 0-100 per dimension, a label with its reasons, and the evidence.
public struct ToneResult: Codable, Hashable, Sendable {
    public var dimensions: [String: Int]
    public var label: ToneLabel
    public var reasons: [String]
    public var evidence: [ToneEvidence]
    public var readability: Readability
    /// The channel policy the reply was scored against.
    public var policy: ChannelPolicy
    /// The customer's message showed distress, so empathy was expected.
    public var distressed: Bool
}

/// What the analyzer needs besides the text.
public struct ToneInput: Sendable {
    public var text: String
    public var question: String?
    public var policy: ChannelPolicy
    /// Words that name people (agent, customer): never topic words.
    public var names: Set<String>
    /// How many replies of the batch contain each normalized sentence.
    public var sentenceReplies: [String: Int]
    /// `text` is only the start of a longer reply: its end (closing, sign-off) was not read.
    public var truncated: Bool

    public init(text: String, question: String? = nil, policy: ChannelPolicy = ToneOptions().defaultPolicy,
                names: Set<String> = [], sentenceReplies: [String: Int] = [:], truncated: Bool = false) {
        self.text = text; self.question = question; self.policy = policy; self.names = names
        self.sentenceReplies = sentenceReplies; self.truncated = truncated
    }
}

/// A cue with its regular expressions compiled.
struct CompiledCue: @unchecked Sendable {
    let cue: ToneCue
    let patterns: [NSRegularExpression]
    /// All patterns as one alternation: a sentence it does not match is skipped with one search
    /// instead of one per pattern (nil for a single pattern).
    let any: NSRegularExpression?
    let unless: [NSRegularExpression]
    let relief: [NSRegularExpression]

    init(_ cue: ToneCue) throws {
        self.cue = cue
        func compile(_ list: [String]?) throws -> [NSRegularExpression] {
            try (list ?? []).map { p in
                if let why = PatternCheck.backtrackingRisk(p) { throw DataFileError(description: "tone cue \(cue.id): \(p): \(why)") }
                do { return try NSRegularExpression(pattern: p, options: [.caseInsensitive]) }
                catch { throw DataFileError(description: "tone cue \(cue.id): bad regular expression \(p)") }
            }
        }
        patterns = try compile(cue.patterns)
        any = cue.patterns.count > 1 ? try? NSRegularExpression(pattern: cue.patterns.map { "(?:\($0))" }.joined(separator: "|"),
                                                                options: [.caseInsensitive]) : nil
        unless = try compile(cue.unless)
        relief = try compile(cue.relief)
        if patterns.isEmpty { throw DataFileError(description: "tone cue \(cue.id) has no patterns") }
    }
}

/// Scores how a reply treats the customer, along the rubric's tone dimensions, with evidence.
public struct ToneAnalyzer: @unchecked Sendable {
    /// The dimensions, in report order.
    public static let dimensions: [Category] = [.empathy, .ownership, .patience, .politeness, .greeting, .closing, .clarity,
                                                .toneFit, .positivity]
    public let lexicon: ToneLexicon
    let cues: [CompiledCue]
    let distress: [NSRegularExpression]
    let negators: Set<String>
    let acronyms: Set<String>
    let greeting: NSRegularExpression
    let notNames: Set<String>
    let extractor: TermExtractor?
    let tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: false))

    public init(lexicon: ToneLexicon, terms: TermExtractor? = nil) throws {
        self.lexicon = lexicon
        cues = try lexicon.cues.map(CompiledCue.init)
        distress = try lexicon.distress.map { p in
            if let why = PatternCheck.backtrackingRisk(p) { throw DataFileError(description: "tone distress pattern \(p): \(why)") }
            return try NSRegularExpression(pattern: p, options: [.caseInsensitive])
        }
        negators = Set(lexicon.negators.map { $0.lowercased() })
        acronyms = Set(lexicon.acronyms.map { $0.uppercased() })
        let words = lexicon.common.greetings.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
        greeting = try NSRegularExpression(pattern: "^\\s*(?:@\\w+\\s+)*(?:\(words))\\b[ ,!]*([\\p{L}][\\p{L}'’.-]*)?",
                                           options: [.caseInsensitive])
        notNames = Set(lexicon.common.notNames.map { $0.lowercased() })
        extractor = terms
    }

    /// A sentence of the reply with what the cues need to know about it.
    struct Line {
        var span: Span
        /// The sentence text, curly apostrophes made straight.
        var text: String
        var isQuestion: Bool
        var isGreeting: Bool
        var isSignOff: Bool
        /// Every scalar is one UTF-16 unit, so regex ranges are scalar offsets into the line.
        var basicPlane: Bool
    }

    // MARK: - Analysis

    public func analyze(_ input: ToneInput) -> ToneResult {
        let masked = Self.maskQuotes(input.text)
        let tokens = tokenizer.tokenize(masked)
        // Offsets convert through tables built once: walking from the start of the text for each
        // sentence and piece of evidence made long replies quadratic.
        let original = ScalarOffsets(input.text), maskedOffsets = ScalarOffsets(masked)
        let lines = makeLines(maskedOffsets, tokens: tokens, truncated: input.truncated)
        let distressed = input.question.map { q in
            distress.contains { $0.firstMatch(in: q, range: NSRange(q.startIndex..., in: q)) != nil }
        } ?? false
        let body = lines.enumerated().filter { !$0.element.isGreeting && !$0.element.isSignOff }.map(\.offset)

        var scan = CueScan(analyzer: self, input: input, lines: lines, body: body, original: original)
        scan.run()
        var evidence = scan.evidence
        evidence += greetingEvidence(lines, input: input, original: original)
        evidence += emojiEvidence(maskedOffsets, input: input, original: original)
        evidence += shoutingEvidence(tokens, input: input, original: original)
        evidence += wallOfTextEvidence(masked, input: input, original: original)
        evidence += closingEvidence(lines, body: body, input: input, original: original, evidence: evidence)
        let readability = Self.readability(lines.filter { !$0.isGreeting && !$0.isSignOff }.map(\.text))
        evidence += clarityEvidence(readability, lines: lines, input: input, length: original.count)
        evidence.sort { ($0.span.start, $0.span.end, $0.cue) < ($1.span.start, $1.span.end, $1.cue) }

        let scores = dimensionScores(evidence, distressed: distressed)
        let (label, reasons) = Self.label(scores, evidence: evidence, policy: input.policy, thresholds: lexicon.labels)
        return ToneResult(dimensions: scores, label: label, reasons: reasons, evidence: evidence,
                          readability: readability, policy: input.policy, distressed: distressed)
    }

    /// The sign-off, and a missing closing when the policy asks for one and nothing before
    /// (`evidence`, every other piece so far) closes the reply.
    func closingEvidence(_ lines: [Line], body: [Int], input: ToneInput, original: ScalarOffsets,
                         evidence: [ToneEvidence]) -> [ToneEvidence] {
        var out: [ToneEvidence] = []
        if let signOff = lines.firstIndex(where: \.isSignOff) {
            let span = lines[signOff].span
            out.append(ToneEvidence(dimension: .closing, cue: "sign-off", span: span, text: original.text(at: span),
                                    points: lexicon.builtins.closing.signOff, note: nil))
        }
        if input.policy.closing ?? .required == .required, let lastBody = body.last, !input.truncated,
           !(evidence + out).contains(where: { $0.dimension == .closing && $0.points > 0 }) {
            let last = lines[lastBody]
            out.append(ToneBuiltin.missingClosing.evidence(span: last.span, text: original.text(at: last.span),
                                                           points: lexicon.builtins.closing.missing,
                                                           note: "no thanks, no offer of further help, no check that it is solved"))
        }
        return out
    }

    /// Each dimension's score: its baseline, plus its gains with diminishing returns, plus its losses.
    func dimensionScores(_ evidence: [ToneEvidence], distressed: Bool) -> [String: Int] {
        var scores: [String: Int] = [:]
        for d in Self.dimensions {
            var base = lexicon.baselines[d.rawValue] ?? 50
            if d == .empathy, distressed { base = lexicon.distressedEmpathyBaseline }
            let gains = evidence.filter { $0.dimension == d && $0.points > 0 }.map(\.points).sorted(by: >)
            let losses = evidence.filter { $0.dimension == d && $0.points < 0 }.map(\.points).reduce(0, +)
            var earned = 0.0, factor = 1.0
            for g in gains { earned += g * factor; factor *= lexicon.diminishing }
            scores[d.rawValue] = Int(max(0, min(100, base + earned + losses)).rounded())
        }
        return scores
    }

    /// The sentences the cues read, as spans of the text (the unit evidence is reported in).
    public func sentenceSpans(_ text: String) -> [Span] {
        let masked = Self.maskQuotes(text)
        return makeLines(ScalarOffsets(masked), tokens: tokenizer.tokenize(masked)).map(\.span)
    }

    /// Quoted words (“...”, "...") and `>` lines are someone else's: blank them, keeping offsets.
    static func maskQuotes(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inQuote: Unicode.Scalar? = nil
        var lineStart = true, quotedLine = false
        let scalars = Array(text.unicodeScalars)
        // Where the next newline and the next closing quotes are, so each opening quote looks its
        // partner up instead of scanning the rest of its line.
        var nextNewline = [Int](repeating: scalars.count, count: scalars.count + 1)
        var nextCurly = nextNewline, nextStraight = nextNewline
        for i in stride(from: scalars.count - 1, through: 0, by: -1) {
            nextNewline[i] = scalars[i] == "\n" ? i : nextNewline[i + 1]
            nextCurly[i] = scalars[i] == "”" ? i : nextCurly[i + 1]
            nextStraight[i] = scalars[i] == "\"" ? i : nextStraight[i + 1]
        }
        for (i, s) in scalars.enumerated() {
            if s == "\n" { out.append(s); lineStart = true; quotedLine = false; inQuote = nil; continue }
            if lineStart, s != " " { quotedLine = s == ">"; lineStart = false }
            if quotedLine { out.append(" "); continue }
            if let q = inQuote {
                if (q == "“" && s == "”") || (q == "\"" && s == "\"") { inQuote = nil }
                out.append(" ")
                continue
            }
            if s == "“" || s == "\"" {
                // Only a quote that closes on the same line masks anything.
                let close = s == "“" ? nextCurly[i + 1] : nextStraight[i + 1]
                if close < nextNewline[i + 1] { inQuote = s; out.append(" "); continue }
            }
            out.append(s)
        }
        return String(out)
    }

    func makeLines(_ text: ScalarOffsets, tokens: [Token], truncated: Bool = false) -> [Line] {
        let sentences = SentenceSplitter.split(tokens)
        var lines = sentences.map { s -> Line in
            let raw = text.text(at: s.span)
            let t = raw.replacingOccurrences(of: "’", with: "'")
            return Line(span: s.span, text: t, isQuestion: t.trimmingCharacters(in: .whitespaces).hasSuffix("?"),
                        isGreeting: false, isSignOff: false, basicPlane: t.utf16.count == s.span.length)
        }
        // A greeting that stands alone ("Hi Linda,") is not part of the body the cues read.
        if let first = lines.first, greeting.firstMatch(in: first.text, range: NSRange(first.text.startIndex..., in: first.text)) != nil,
           first.text.split(separator: " ").count <= 4 {
            lines[0].isGreeting = true
        }
        // A short line ending in a comma at the end ("Best regards,") and what follows is the sign-off.
        // The start of a longer reply has no end to read.
        for i in lines.indices.reversed() where !truncated {
            let t = lines[i].text.trimmingCharacters(in: .whitespaces)
            let words = t.split(separator: " ").count
            if i > 0, words <= 4, t.hasSuffix(",") || t.hasSuffix("!") && words <= 2
                || !t.contains(where: { ".?!".contains($0) }) && words <= 3 {
                lines[i].isSignOff = true
            } else { break }
        }
        return lines
    }

    func terms(_ text: String, names: Set<String>) -> Set<String> {
        guard let extractor else {
            return Set(text.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count >= 4 && !names.contains($0) })
        }
        return Set(extractor.terms(extractor.tokens(text)).filter { !names.contains($0) })
    }

    /// A negator among the three words before the match, or inside it.
    func negated(_ text: NSString, _ range: NSRange) -> Bool {
        let before = Self.lastWords(text, before: range.location, 3)
        let inside = text.substring(with: range).lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
        return (before + inside).contains { negators.contains($0) || $0.hasSuffix("n't") }
    }

    /// The last `n` words before a UTF-16 offset, read from a window before it rather than from the
    /// start of the sentence: a sentence may be the whole of a long reply.
    static func lastWords(_ text: NSString, before location: Int, _ n: Int) -> [String] {
        var width = 128
        while true {
            var start = max(0, location - width)
            // Never between the two halves of a surrogate pair (an emoji): Foundation traps on that.
            if start > 0, (0xDC00...0xDFFF).contains(text.character(at: start)) { start -= 1 }
            let words = text.substring(with: NSRange(location: start, length: location - start)).lowercased()
                .split { !$0.isLetter && $0 != "'" }.map(String.init)
            if start == 0 { return Array(words.suffix(n)) }
            // The window's first word may be cut: it counts only when more than n words follow.
            if words.count > n { return Array(words.suffix(n)) }
            width *= 4
        }
    }

    static func span(of range: NSRange, in line: Line) -> Span? {
        if line.basicPlane {
            guard range.location >= 0, range.location + range.length <= line.span.length else { return nil }
            return Span(start: line.span.start + range.location, end: line.span.start + range.location + range.length)
        }
        guard let r = Range(range, in: line.text) else { return nil }
        let s = line.text.span(of: r)
        return Span(start: line.span.start + s.start, end: line.span.start + s.end)
    }

    /// Lower-case letters and digits only: the same sentence whatever its punctuation.
    public static func normalizedSentence(_ s: String) -> String {
        s.lowercased().replacingOccurrences(of: "’", with: "'").split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
    }

    static func registerFactor(_ register: ToneCue.Register, _ formality: ChannelPolicy.Formality) -> Double {
        switch (register, formality) {
        case (.stiff, .formal): return 0.5
        case (.stiff, .casual): return 1.5
        case (.chatty, .formal): return 1.5
        case (.chatty, .casual): return 0.25
        default: return 1
        }
    }

    static func round(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    // MARK: - Built-in checks

    func greetingEvidence(_ lines: [Line], input: ToneInput, original: ScalarOffsets) -> [ToneEvidence] {
        guard let first = lines.first else { return [] }
        let ns = first.text as NSString
        if let m = greeting.firstMatch(in: first.text, range: NSRange(location: 0, length: ns.length)) {
            let name = m.range(at: 1).location != NSNotFound ? ns.substring(with: m.range(at: 1)) : ""
            let personal = !name.isEmpty && name.first!.isUppercase && !notNames.contains(name.lowercased())
            let span = first.isGreeting ? first.span : (Self.span(of: m.range, in: first) ?? first.span)
            let points = lexicon.builtins.greeting
            return [ToneEvidence(dimension: .greeting, cue: personal ? "greeting-by-name" : "greeting", span: span,
                                 text: original.text(at: span), points: personal ? points.byName : points.withoutName,
                                 note: personal ? nil : "greets without the customer's name")]
        }
        // "Mike, I'm sorry ...": addressing the customer by name is a greeting too.
        if let comma = first.text.firstIndex(of: ","), first.text[..<comma].split(separator: " ").count == 1 {
            let word = first.text[..<comma].trimmingCharacters(in: .whitespaces)
            if word.first?.isUppercase == true, input.names.contains(word.lowercased()) {
                let span = Span(start: first.span.start, end: first.span.start + word.unicodeScalars.count + 1)
                return [ToneEvidence(dimension: .greeting, cue: "greeting-by-name", span: span, text: original.text(at: span),
                                     points: lexicon.builtins.greeting.nameOnly, note: "addresses the customer by name")]
            }
        }
        guard input.policy.greeting ?? .required == .required else { return [] }
        return [ToneBuiltin.missingGreeting.evidence(span: first.span, text: original.text(at: first.span),
                                                     points: lexicon.builtins.greeting.missing, note: "the reply opens without a greeting")]
    }

    func emojiEvidence(_ masked: ScalarOffsets, input: ToneInput, original: ScalarOffsets) -> [ToneEvidence] {
        var out: [Span] = []
        let text = masked.text
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            if s.properties.isEmojiPresentation || (s.properties.isEmoji && next == "\u{FE0F}" && s.value > 0xFF) {
                var j = i + 1
                while j < scalars.count, scalars[j] == "\u{FE0F}" || scalars[j] == "\u{200D}" || scalars[j].properties.isEmojiModifier
                        || (scalars[j - 1] == "\u{200D}" && scalars[j].properties.isEmoji) { j += 1 }
                out.append(Span(start: i, end: j)); i = j; continue
            }
            i += 1
        }
        if let emoticon = try? NSRegularExpression(pattern: "(?<![\\w:/])(?:[:;=]-?[()DPp3]|<3|\\^_\\^|xD)(?![\\w)(])") {
            for m in emoticon.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let span = masked.span(of: m.range) { out.append(span) }
            }
        }
        let forbidden = input.policy.emoji ?? .forbidden == .forbidden
        let points = lexicon.builtins.emoji
        return out.sorted { $0.start < $1.start }.enumerated().map { k, span in
            let many = k >= points.allowedFree
            let cost = forbidden ? Self.round(points.forbidden / Double(1 << min(k, 8))) : (many ? points.allowedBeyond : 0)
            let note = forbidden ? "emoji and emoticons are not used on this channel" : (many ? "many emoji" : "allowed on this channel")
            return ToneBuiltin.emoji.evidence(span: span, text: original.text(at: span), points: cost, note: note)
        }
    }

    /// Capitalised words this short are read as acronyms unless other capitals surround them.
    static let acronymLength = 3

    func shoutingEvidence(_ tokens: [Token], input: ToneInput, original: ScalarOffsets) -> [ToneEvidence] {
        func isCaps(_ t: Token) -> Bool {
            let letters = t.text.filter(\.isLetter)
            return t.kind != .punctuation && letters.count >= 2 && letters.count == t.text.count
                && !letters.contains(where: \.isLowercase) && !acronyms.contains(t.text.uppercased())
        }
        var out: [ToneEvidence] = []
        var i = 0
        while i < tokens.count {
            guard isCaps(tokens[i]) else { i += 1; continue }
            var j = i + 1
            while j < tokens.count, isCaps(tokens[j])
                || (tokens[j].kind == .punctuation && j + 1 < tokens.count && isCaps(tokens[j + 1]) && tokens[j].text != "\n") { j += 1 }
            // Short capitals are acronyms far more often than shouting ("OS", "CPU", "RAM"): a run
            // shouts when it holds a word past acronym length among other capitals ("MUST NOT",
            // "DO NOT DO THAT"), or one long word ("FURIOUS").
            let run = tokens[i..<j].filter { $0.kind != .punctuation }
            let words = run.filter { $0.text.count > Self.acronymLength }
            if (!words.isEmpty && run.count >= 2) || words.contains(where: { $0.text.count >= 5 }) {
                let span = Span(start: tokens[i].span.start, end: tokens[j - 1].span.end)
                let points = out.isEmpty ? lexicon.builtins.shouting.first : lexicon.builtins.shouting.further
                out.append(ToneBuiltin.shouting.evidence(span: span, text: original.text(at: span), points: points, note: nil))
            }
            i = j
        }
        return out
    }

    func wallOfTextEvidence(_ text: String, input: ToneInput, original: ScalarOffsets) -> [ToneEvidence] {
        var out: [ToneEvidence] = []
        var offset = 0
        for paragraph in text.components(separatedBy: "\n\n") {
            let length = paragraph.unicodeScalars.count
            let words = paragraph.split { $0.isWhitespace }.count
            if words > lexicon.builtins.wallOfText.maxWords {
                let span = Span(start: offset, end: offset + length)
                let points = lexicon.builtins.wallOfText.points
                out.append(ToneBuiltin.wallOfText.evidence(span: span, text: original.text(at: span), points: points,
                                                           note: "\(words) words in one paragraph"))
            }
            offset += length + 2
        }
        return out
    }

    func clarityEvidence(_ r: Readability, lines: [Line], input: ToneInput, length: Int) -> [ToneEvidence] {
        // Too short to judge: a two-line reply has no meaningful reading ease.
        let limits = lexicon.builtins.readability
        guard r.words >= limits.minWords else { return [] }
        var out: [ToneEvidence] = []
        let whole = Span(start: 0, end: length)
        let ease = max(0, limits.readingEaseBelow - r.fleschReadingEase) * limits.costPerEasePoint
        if ease >= 1 {
            out.append(ToneEvidence(dimension: .clarity, cue: "hard-to-read", span: whole, text: "",
                                    points: -Self.round(ease),
                                        note: "Flesch reading ease \(Int(r.fleschReadingEase.rounded())), grade " +
                                            "\(Int(r.gradeLevel.rounded()))"))
        }
        let length = max(0, r.averageSentenceLength - limits.sentenceWordsAbove) * limits.costPerSentenceWord
        if length >= 1 {
            out.append(ToneEvidence(dimension: .clarity, cue: "long-sentences", span: whole, text: "",
                                    points: -Self.round(length),
                                        note: "\(Int(r.averageSentenceLength.rounded())) words per sentence on average"))
        }
        return out
    }

    /// Flesch reading ease and Flesch-Kincaid grade over the given sentences.
    public static func readability(_ sentences: [String]) -> Readability {
        var words = 0, syllables = 0, long = 0, counted = 0
        for s in sentences {
            let ws = s.split { !$0.isLetter && $0 != "'" }.filter { $0.contains(where: \.isLetter) }
            guard !ws.isEmpty else { continue }
            counted += 1
            for w in ws {
                let n = syllableCount(String(w))
                words += 1; syllables += n
                if n >= 3 { long += 1 }
            }
        }
        guard words > 0, counted > 0 else {
            return Readability(words: 0, sentences: 0, fleschReadingEase: 100, gradeLevel: 0, averageSentenceLength: 0, longWordShare: 0)
        }
        let wps = Double(words) / Double(counted), spw = Double(syllables) / Double(words)
        return Readability(words: words, sentences: counted,
                           fleschReadingEase: round(206.835 - 1.015 * wps - 84.6 * spw),
                           gradeLevel: round(0.39 * wps + 11.8 * spw - 15.59),
                           averageSentenceLength: round(wps), longWordShare: (Double(long) / Double(words) * 1000).rounded() / 1000)
    }

    /// Vowel groups, less a silent final "e"; at least one.
    public static func syllableCount(_ word: String) -> Int {
        let w = word.lowercased().filter(\.isLetter)
        guard !w.isEmpty else { return 0 }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
        var count = 0, previous = false
        for c in w {
            let v = vowels.contains(c)
            if v && !previous { count += 1 }
            previous = v
        }
        if w.hasSuffix("e"), !w.hasSuffix("le"), count > 1 { count -= 1 }
        if w.hasSuffix("es") || w.hasSuffix("ed"), count > 1, !w.hasSuffix("ted"), !w.hasSuffix("ded"), !w.hasSuffix("ses"),
            !w.hasSuffix("ces") { count -= 1 }
        return max(1, count)
    }

    // MARK: - Label

    /// The label follows from the dimensions; the reasons quote the evidence behind it.
    ///
    /// Where the channel's policy makes a greeting or closing optional, its absence is no reason.
    static func label(_ s: [String: Int], evidence: [ToneEvidence], policy: ChannelPolicy,
                      thresholds t: LabelThresholds) -> (ToneLabel, [String]) {
        func quote(_ e: ToneEvidence) -> String { e.text.isEmpty ? (e.note ?? e.cue) : "“\(e.text.prefix(80))”" }
        let patience = s["patience"] ?? 100, empathy = s["empathy"] ?? 50, politeness = s["politeness"] ?? 50
        let hostile = evidence.filter { $0.dimension == .patience && $0.points <= t.hostile.cost }
        if patience < t.hostile.patienceBelow || !hostile.isEmpty {
            let costs = evidence.filter { $0.dimension == .patience && $0.points < 0 }.prefix(3).map { "\($0.cue): \(quote($0))" }
            return (.hostile, ["patience \(patience)"] + costs)
        }
        let stock = evidence.filter { $0.points > 0 && ($0.note ?? "").contains("stock") || ($0.note ?? "").contains("boilerplate") }
        let robotic = evidence.filter { $0.cue.hasPrefix("robotic") }
        if stock.count + robotic.count >= t.robotic.scriptedPhrases, empathy < t.robotic.empathyBelow {
            return (.robotic, ["stock or scripted phrases"] + (robotic + stock).prefix(3).map(quote))
        }
        let greeted = policy.greeting == .optional || evidence.contains { $0.dimension == .greeting && $0.points > 0 }
        let closed = policy.closing == .optional || evidence.contains { $0.dimension == .closing && $0.points > 0 }
        let blame = evidence.filter { $0.dimension == .patience && $0.points < 0 }
        let deflection = evidence.filter { $0.dimension == .ownership && $0.points < 0 }
        let unkind = politeness < t.curt.politenessBelow, cold = empathy < t.curt.empathyBelow
        if (!greeted && !closed && unkind) || (!blame.isEmpty && cold) || (!deflection.isEmpty && cold && unkind) {
            var reasons: [String] = []
            if !greeted { reasons.append("no greeting") }
            if !closed { reasons.append("no closing") }
            reasons += (blame + deflection).prefix(2).map { "\($0.cue): \(quote($0))" }
            if unkind { reasons.append("politeness \(politeness)") }
            return (.curt, reasons)
        }
        if empathy >= t.warm.empathy, politeness >= t.warm.politeness, patience >= t.warm.patience {
            let warm = evidence.filter { ($0.dimension == .empathy || $0.dimension == .politeness) && $0.points >= t.warm.evidencePoints }
                .prefix(3).map(quote)
            return (.warm, ["empathy \(empathy), politeness \(politeness)"] + warm)
        }
        return (.neutral, ["empathy \(empathy), politeness \(politeness), patience \(patience)"])
    }
}
