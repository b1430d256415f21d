import Foundation
import ReplyQACore
import TextAnalysis

/// Why spelling cannot run.
public struct SpellingError: Error, CustomStringConvertible {
    public var description: String
}

/// One language's dictionary with per-run caches: a batch repeats the same words and typos.
public final class Speller: @unchecked Sendable {
    public let hunspell: Hunspell
    private let lock = NSLock()
    private var known: [String: Bool] = [:]
    private var suggestions: [String: [String]] = [:]
    private var computed = 0

    init(hunspell: Hunspell) { self.hunspell = hunspell }

    /// How many suggestion lists were computed by Hunspell (not served from the cache) so far.
    public var lookups: Int {
        lock.lock(); defer { lock.unlock() }
        return computed
    }

    /// The suggestions for a word if they were computed already, else nil.
    public func cachedSuggestions(_ word: String) -> [String]? {
        lock.lock(); defer { lock.unlock() }
        return suggestions[word]
    }

    public func isCorrect(_ word: String) -> Bool {
        lock.lock()
        if let cached = known[word] { lock.unlock(); return cached }
        lock.unlock()
        let ok = hunspell.spell(word)
        lock.lock(); known[word] = ok; lock.unlock()
        return ok
    }

    /// The top `limit` suggestions, computed once per word per run.
    public func suggest(_ word: String, limit: Int = 3) -> [String] {
        lock.lock()
        if let cached = suggestions[word] { lock.unlock(); return cached }
        lock.unlock()
        // Hunspell also proposes splits such as "until l"; a split with a one-letter part is noise.
        let result = Array(hunspell.suggest(word).filter { s in
            !s.split(separator: " ").contains { $0.count == 1 && $0 != "a" && $0 != "I" }
        }.prefix(limit))
        lock.lock(); suggestions[word] = result; computed += 1; lock.unlock()
        return result
    }
}

/// How many Hunspell suggestion look-ups a run may make. Each costs tens of milliseconds (more on
/// junk), so a reply of thousands of unknown words took minutes; past the limits findings carry
/// no suggestion. Suggestions already computed are free.
public final class SuggestionBudget: @unchecked Sendable {
    /// Look-ups per reply: a reply with more typos than this needs rewriting, not a list of fixes.
    public static let perReply = 10
    /// Look-ups per run (a batch, or one lint).
    public static let perRun = 2_000

    public let limit: Int
    private let lock = NSLock()
    private var used = 0

    public init(limit: Int = SuggestionBudget.perRun) { self.limit = limit }

    /// Takes one look-up from the budget; false when it is spent.
    func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard used < limit else { return false }
        used += 1
        return true
    }

    /// Look-ups taken so far.
    public var spent: Int {
        lock.lock(); defer { lock.unlock() }
        return used
    }
}

/// The dictionaries of a run, loaded on first use, plus the custom words every one accepts.
public final class SpellingService: @unchecked Sendable {
    public let options: SpellingOptions
    public let locator: DictionaryLocator
    private let customWords: [String]
    /// Informal spellings ("pls", "gonna") and what to write instead, from `Dictionaries/informal-spellings.txt`.
    public let informal: [String: String]
    /// British and American spelling differences ("our" / "or"), from `Dictionaries/spelling-variants.txt`.
    public let variantPairs: [(String, String)]
    private let detector: LanguageDetector
    private let lock = NSLock()
    private var spellers: [String: Speller] = [:]
    /// The run's suggestion look-ups, shared by every reply it checks.
    public let suggestionBudget: SuggestionBudget

    /// Fails with a clear message when the default dictionary is not installed.
    public init(config: Configuration, locator: DictionaryLocator? = nil, suggestionBudget: SuggestionBudget = SuggestionBudget()) throws {
        let locator = locator ?? DictionaryLocator(config: config)
        self.locator = locator
        self.suggestionBudget = suggestionBudget
        options = config.spelling
        guard locator.hunspell(options.language) != nil else {
            throw SpellingError(description: "no Hunspell dictionary \(options.language) in "
                + locator.hunspellFolders.map(\.path).joined(separator: ", ")
                + " (Debian: apt-get install hunspell-\(options.language.lowercased().replacingOccurrences(of: "_", with: "-")))")
        }
        customWords = locator.files(in: "words", ext: "txt").flatMap(DictionaryLocator.wordList) + options.words
        detector = LanguageDetector(locator: locator)
        var informal: [String: String] = [:]
        if let url = locator.file("informal-spellings.txt") {
            for entry in DictionaryLocator.wordList(url) {
                let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2 { informal[parts[0].lowercased()] = parts[1] }
            }
        }
        self.informal = informal
        variantPairs = locator.file("spelling-variants.txt").map { url in
            DictionaryLocator.wordList(url).compactMap { entry in
                let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                return parts.count == 2 && !parts[0].isEmpty ? (parts[0], parts[1]) : nil
            }
        } ?? []
    }

    /// The speller for a language, or nil when that dictionary is not installed.
    public func speller(for language: String) -> Speller? {
        lock.lock(); defer { lock.unlock() }
        if let s = spellers[language] { return s }
        guard let paths = locator.hunspell(language) else { return nil }
        let h = Hunspell(aff: paths.aff, dic: paths.dic, language: language)
        for w in customWords { h.add(w) }
        let s = Speller(hunspell: h)
        spellers[language] = s
        return s
    }

    /// Agent setting, then channel setting, then detection among installed languages, then the default.
    public func language(for reply: Reply) -> String {
        if let l = options.agentLanguages[reply.agent] { return l }
        if let l = options.channelLanguages[reply.channel] { return l }
        if options.detectLanguage, let code = detector.detect(ReadLimit.prefix(of: reply.authored)) {
            let base = options.language.prefix(2)
            if code == base { return options.language }
            if let match = options.languages.first(where: { $0.hasPrefix(code) && locator.hunspell($0) != nil }) { return match }
        }
        return options.language
    }
}

/// Flags words the reply's dictionary does not know, with up to three suggestions; stretches that
/// are not language (base64, hex dumps, binary, long runs of non-words) get one finding instead.
public struct SpellingChecker: Checker, ReadsLimitedText {
    public var name: String { "spelling" }
    /// Suggestions already computed are free and the rest come out of the run's budget, so which
    /// findings carry one depends on the replies checked before.
    public var needsReplyOrder: Bool { true }

    public var rules: [RuleDescription] { [Self.spelling, Self.informalSpelling, Self.notLanguage] }

    static let spelling = RuleDescription(
        id: "spelling", category: .spelling, severity: .warning,
        summary: "A word the reply's Hunspell dictionary (plus Dictionaries/words and the names in the headers) does not know, "
            + "with up to three suggestions.",
        triggers: ["We will «recieve» it «untill» Friday."],
        passes: ["We will receive it until Friday, Linda. See https://example.com or call +1 555 010 2040.",
                 "Your order was cancelled and the licences refunded.", "Hope this helps!\nKaylee",
                 "Check your gamertag and minecoins, then run the .msi installer."])
    static let informalSpelling = RuleDescription(
        id: "informal-spelling", category: .spelling, severity: .info,
        summary: "Informal spellings from Dictionaries/informal-spellings.txt (pls, thx, gonna...), with the word to write instead.",
        triggers: ["«Pls» send the photo, «thx»!", "«Uhhh» that's odd. «Sooo» sorry!"], passes: ["Please send the photo, thanks!"])
    static let notLanguage = RuleDescription(
        id: "not-language", category: .spelling, severity: .info,
        summary: "Text that is data, not language: base64, a hex dump, binary or broken characters, or \(NonLanguage.nonWordRun) "
            + "or more words in a row that the dictionary does not know. It is not spell-checked; this one finding says so.",
        triggers: ["The file: «SGVsbG8gTGluZGEsIHlvdXIgcmVmdW5kIGlzIG9uIGl0cyB3YXkuIFRoYW5rcyE=» Thanks!",
                   "The log shows «00000000  4f 72 64 65 72 20 31 32  33 34 20 73 68 69 70 70  |Order 1234 shipp|»",
                   "Hi Linda, «qzxv brplt wkkd fhzt jvvq mrrp xqlz tnnv gdzw pkkx vvbr zqml» thanks!"],
        passes: ["Your receipt hash is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
                 "See https://example.com/orders/a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ and reply.",
                 "We will recieve it untill Friday and send it teh same day, thanks for you're patience."])
    public let service: SpellingService
    let tokenizer: Tokenizer

    public init(service: SpellingService) {
        self.service = service
        tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: service.options.skipAllCaps))
    }

    /// The findings on a reply; of a very long reply, on its first `ReadLimit.scalars` characters.
    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        let language = service.language(for: reply)
        guard let speller = service.speller(for: language) ?? service.speller(for: service.options.language) else { return [] }
        return check(ReadLimit.prefix(of: reply.authored), speller: speller, names: PartyNames.words(of: reply, withSenderAddress: true))
    }

    /// Checks plain text with a given dictionary; `names` (lower-cased) are accepted as words.
    /// `suggest: false` skips Hunspell's slow suggestions (findings then carry none); at most
    /// `maxSuggestions` words get new ones, and the run's `suggestionBudget` bounds them all.
    public func check(_ text: String, speller: Speller, names: Set<String> = [], suggest: Bool = true,
                      maxSuggestions: Int = SuggestionBudget.perReply) -> [Finding] {
        // Regional variants of the same language ("cancelled" in an en_US reply) are not mistakes.
        let language = speller.hunspell.language
        // English replies accept the other main variant too ("cancelled", "licences" in en_US;
        // "canceled" in en_GB) unless the config says otherwise; `also_accept` adds more.
        let defaults = language.hasPrefix("en_") && service.options.acceptEnglishVariants ? Self.englishVariants : []
        let also = service.options.alsoAccept.filter { $0 != language && $0.prefix(3) == language.prefix(3) }
        let variants = defaults.filter { $0 != language && !also.contains($0) }.compactMap { service.speller(for: $0) }
        return check(text, spellers: [speller] + also.compactMap { service.speller(for: $0) }, variants: variants, names: names,
                     suggest: suggest, maxSuggestions: maxSuggestions)
    }

    /// `spellers` accept any word they know; `variants` only the other variant's spelling of a word
    /// the first speller knows.
    func check(_ text: String, spellers: [Speller], variants: [Speller] = [], names: Set<String>, suggest: Bool = true,
               maxSuggestions: Int = SuggestionBudget.perReply) -> [Finding] {
        let spellers = Spellers(all: spellers, variants: variants, pairs: service.variantPairs)
        let speller = spellers.main
        let tokens = tokenizer.tokenize(text)
        let sentences = SentenceSplitter.split(tokens)
        // The first word of a sentence, after any opening quote or bullet.
        let sentenceStarts = Set(sentences.compactMap { s in s.tokens.first(where: { tokens[$0].isWord }) })
        let signed = Self.signedName(tokens, sentences)
        let (zones, inZone) = nonLanguage(text, tokens, spellers: spellers, names: names, sentenceStarts: sentenceStarts)

        var lookups = 0
        // Suggestions already computed are free; new ones come out of the reply's and the run's budget.
        func suggestions(_ word: String) -> [String]? {
            if let cached = speller.cachedSuggestions(word) { return cached }
            guard suggest, lookups < maxSuggestions, service.suggestionBudget.take() else { return nil }
            lookups += 1
            return speller.suggest(word)
        }
        var findings: [Finding] = []
        for (i, token) in tokens.enumerated() where token.isWord && !inZone[i] {
            if let better = service.informal[token.normalized] {
                findings.append(Self.informalSpelling.finding(span: token.span, message: "“\(token.text)” is informal; write “\(better)”.",
                                                              suggestion: better))
                continue
            }
            // Letters stretched for effect ("Uhhh", "Sooo", "Ooo") are informal, not misspelled.
            if token.isStretched, !accepts(token.text, spellers: spellers, names: names, capitalizedInside: false, hyphenPrefix: false) {
                let message = "“\(token.text)” is stretched for effect; fine in a chat, informal in a reply."
                findings.append(Self.informalSpelling.finding(span: token.span, message: message))
                continue
            }
            // A capitalized word that opens a sentence and is followed by a comma addresses someone: "Sahil, ..."
            let vocative = i + 1 < tokens.count && [",", "!"].contains(tokens[i + 1].text) || signed.contains(i)
            let parts = parts(of: token)
            for (k, (part, span)) in parts.enumerated() {
                let inside = !sentenceStarts.contains(i) || span.start != token.span.start
                let prefix = parts.count > 1 && k < parts.count - 1
                if accepts(part, spellers: spellers, names: names, capitalizedInside: inside, hyphenPrefix: prefix) { continue }
                // A capitalized word addressing someone is taken as a name unless it is one letter
                // away from a real word ("Therfore, ..."). Inside a sentence no such test is made:
                // on real replies most unknown capitalized words one letter from a word are names.
                if !inside, vocative, accepts(part, spellers: spellers, names: names, capitalizedInside: true, hyphenPrefix: false),
                   !(suggestions(part) ?? []).contains(where: { s in
                       // A split ("Kay lee") is not a real word one letter away.
                       !s.contains(" ") && !s.contains("-") && Self.editDistance(s.lowercased(), part.lowercased()) <= 1
                   }) { continue }
                let suggestions = suggestions(part) ?? []
                let message = suggestions.isEmpty
                    ? "“\(part)” is not in the \(speller.hunspell.language) dictionary."
                    : "“\(part)” may be misspelled; did you mean " + Self.list(suggestions.map { "“\($0)”" }) + "?"
                findings.append(Self.spelling.finding(span: span, message: message, suggestion: suggestions.first))
            }
        }
        for zone in zones.sorted(by: { $0.span.start < $1.span.start }) {
            findings.append(Self.notLanguage.finding(span: zone.span, message: Self.message(zone, language: speller.hunspell.language)))
        }
        return findings
    }

    /// The agent signs with their own name on the last line ("Kaylee", "- Massiel Ortiz"):
    /// capitalized words standing alone there are a name, unless one letter from a real word.
    static func signedName(_ tokens: [Token], _ sentences: [Sentence]) -> Set<Int> {
        guard sentences.count > 1, let last = sentences.last else { return [] }
        let words = last.tokens.filter { tokens[$0].isWord }
        let onOwnLine = last.tokens.first.map { $0 == 0 || tokens[$0].newlinesBefore > 0 || ["-", "–", "—", "~"].contains(tokens[$0].text) }
            ?? false
        guard onOwnLine, (1...3).contains(words.count), words.allSatisfy({ tokens[$0].text.first?.isUppercase ?? false }),
              last.tokens.allSatisfy({ tokens[$0].isWord || tokens[$0].kind == .punctuation }) else { return [] }
        return Set(words)
    }

    /// Data that is not language is not spell-checked word by word: one finding says what it is.
    /// Its zones, and which tokens lie in one.
    func nonLanguage(_ text: String, _ tokens: [Token], spellers: Spellers, names: Set<String>,
                     sentenceStarts: Set<Int>) -> ([NonLanguageZone], [Bool]) {
        var zones = NonLanguage.zones(in: text)
        var inZone = [Bool](repeating: false, count: tokens.count)
        var z = 0
        for (i, t) in tokens.enumerated() {
            while z < zones.count, zones[z].span.end <= t.span.start { z += 1 }
            if z < zones.count, zones[z].span.start < t.span.end { inZone[i] = true }
        }
        // Long runs of words the dictionary does not know are not language either (random letters,
        // binary read as text, a language without a dictionary).
        var runWords: [Int] = [], statuses: [NonLanguage.WordStatus] = []
        for (i, token) in tokens.enumerated() where token.isWord && !inZone[i] {
            runWords.append(i)
            statuses.append(status(of: token, spellers: spellers, names: names, sentenceStart: sentenceStarts.contains(i)))
        }
        for run in NonLanguage.nonWordRuns(statuses) {
            let lo = runWords[run.lowerBound], hi = runWords[run.upperBound]
            for i in lo...hi { inZone[i] = true }
            zones.append(NonLanguageZone(kind: .nonWords, span: Span(start: tokens[lo].span.start, end: tokens[hi].span.end)))
        }
        return (zones, inZone)
    }

    static func message(_ zone: NonLanguageZone, language: String) -> String {
        switch zone.kind {
        case .base64: return "This looks like base64-encoded data, not language; it was not checked for spelling."
        case .hexDump: return "This looks like a hex dump, not language; it was not checked for spelling."
        case .binary: return "This looks like binary data or broken characters, not language; it was not checked for spelling."
        case .nonWords: return "These words are not in the \(language) dictionary, one after another: another language, or not language " +
            "at all; they were not checked one by one."
        }
    }

    /// Whether the dictionary knows a word, rejects it, or cannot tell (too short, taken as a name):
    /// what decides a run of non-words.
    func status(of token: Token, spellers: Spellers, names: Set<String>, sentenceStart: Bool) -> NonLanguage.WordStatus {
        if service.informal[token.normalized] != nil { return .neutral }
        if token.isStretched { return .neutral }
        let parts = parts(of: token)
        var known = false
        for (k, (part, span)) in parts.enumerated() {
            let inside = !sentenceStart || span.start != token.span.start
            switch acceptance(part, spellers: spellers, names: names, capitalizedInside: inside, hyphenPrefix: parts.count > 1
                && k < parts.count - 1) {
            case .rejected: return .unknown
            case .dictionary: known = true
            case .guessed: break
            }
        }
        return known ? .known : .neutral
    }

    /// The dictionaries one reply is checked against.
    struct Spellers {
        var all: [Speller]
        var variants: [Speller]
        var pairs: [(String, String)]
        var main: Speller { all[0] }

        func isCorrect(_ word: String) -> Bool {
            if all.contains(where: { $0.isCorrect(word) }) { return true }
            guard variants.contains(where: { $0.isCorrect(word) }) else { return false }
            return isVariantSpelling(word)
        }

        /// One British/American change turns the word into one the main dictionary knows.
        func isVariantSpelling(_ word: String) -> Bool {
            let lower = word.lowercased()
            for (british, american) in pairs {
                for (from, to) in [(british, american), (american, british)] where lower.contains(from) {
                    var search = lower.startIndex..<lower.endIndex
                    while let r = lower.range(of: from, range: search) {
                        if main.isCorrect(lower.replacingCharacters(in: r, with: to)) { return true }
                        search = r.upperBound..<lower.endIndex
                    }
                }
            }
            return false
        }
    }

    /// The English variants every English reply accepts by default.
    static let englishVariants = ["en_US", "en_GB"]

    /// A hyphenated compound is checked part by part, unless the dictionary knows it whole.
    func parts(of token: Token) -> [(String, Span)] {
        let word = token.text.unicodeScalars.contains("’")
            ? String(String.UnicodeScalarView(token.text.unicodeScalars.map { $0 == "’" ? "'" : $0 })) : token.text
        guard word.utf8.contains(UInt8(ascii: "-")) else { return [(word, token.span)] }
        var result: [(String, Span)] = []
        var offset = token.span.start
        for piece in word.split(separator: "-", omittingEmptySubsequences: false) {
            let length = piece.unicodeScalars.count
            if length > 0 { result.append((String(piece), Span(start: offset, end: offset + length))) }
            offset += length + 1
        }
        return result
    }

    /// Prefixes that stand alone before a hyphen: pre-order, re-enter, co-worker, e-mail.
    static let hyphenPrefixes: Set<String> = ["pre", "re", "co", "non", "un", "multi", "anti", "sub", "self", "ex", "post",
                                              "semi", "mid", "e", "de", "inter", "over", "under", "bi", "tri", "mini", "micro"]

    func accepts(_ word: String, spellers: Spellers, names: Set<String>, capitalizedInside: Bool, hyphenPrefix: Bool) -> Bool {
        acceptance(word, spellers: spellers, names: names, capitalizedInside: capitalizedInside, hyphenPrefix: hyphenPrefix) != .rejected
    }

    /// Why a word is accepted: the dictionary (or the names) know it, or it is only taken to be fine.
    enum Acceptance { case dictionary, guessed, rejected }

    func acceptance(_ word: String, spellers: Spellers, names: Set<String>, capitalizedInside: Bool, hyphenPrefix: Bool) -> Acceptance {
        if word.unicodeScalars.count < 2 { return .guessed }
        if spellers.isCorrect(word) { return .dictionary }
        if hyphenPrefix, Self.hyphenPrefixes.contains(word.lowercased()) { return .dictionary }
        // Brand names and joined names keep inner capitals: AirPods, MacBook, AnnieBallard.
        if let first = word.first, first.isUppercase, Self.hasInnerCapital(word) { return .guessed }
        let lower = word.lowercased()
        if names.contains(lower) { return .dictionary }
        // Possessives of words the dictionary knows: the customer's, the Parks'.
        for suffix in ["'s", "'"] where lower.hasSuffix(suffix) {
            let base = String(word.dropLast(suffix.count))
            if base.count > 1, spellers.isCorrect(base) || names.contains(base.lowercased()) { return .dictionary }
        }
        // An unknown capitalized word inside a sentence is most likely a name or a brand
        // (but "NIce" or "THe" is a slip of the shift key).
        if service.options.skipCapitalized, capitalizedInside, let first = word.first, first.isUppercase,
           word.dropFirst().allSatisfy({ !$0.isUppercase }) { return .guessed }
        return .rejected
    }

    /// Levenshtein distance, for telling a typo from a name.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// A lower-case letter followed by a capital, as in "MacBook".
    static func hasInnerCapital(_ word: String) -> Bool {
        var previousLower = false
        for c in word {
            if c.isUppercase && previousLower { return true }
            previousLower = c.isLowercase
        }
        return false
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
