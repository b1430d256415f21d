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

    init(hunspell: Hunspell) { self.hunspell = hunspell }

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
        let result = Array(hunspell.suggest(word).prefix(limit))
        lock.lock(); suggestions[word] = result; lock.unlock()
        return result
    }
}

/// The dictionaries of a run, loaded on first use, plus the custom words every one accepts.
public final class SpellingService: @unchecked Sendable {
    public let options: SpellingOptions
    public let locator: DictionaryLocator
    private let customWords: [String]
    private let detector: LanguageDetector
    private let lock = NSLock()
    private var spellers: [String: Speller] = [:]

    /// Fails with a clear message when the default dictionary is not installed.
    public init(config: Configuration, locator: DictionaryLocator? = nil) throws {
        let locator = locator ?? DictionaryLocator(config: config)
        self.locator = locator
        options = config.spelling
        guard locator.hunspell(options.language) != nil else {
            throw SpellingError(description: "no Hunspell dictionary \(options.language) in "
                + locator.hunspellFolders.map(\.path).joined(separator: ", ")
                + " (Debian: apt-get install hunspell-\(options.language.lowercased().replacingOccurrences(of: "_", with: "-")))")
        }
        customWords = locator.files(in: "words", ext: "txt").flatMap(DictionaryLocator.wordList) + options.words
        detector = LanguageDetector(locator: locator)
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
        if options.detectLanguage, let code = detector.detect(reply.authored) {
            let base = options.language.prefix(2)
            if code == base { return options.language }
            if let match = options.languages.first(where: { $0.hasPrefix(code) && locator.hunspell($0) != nil }) { return match }
        }
        return options.language
    }
}

/// Flags words the reply's dictionary does not know, with up to three suggestions.
public struct SpellingChecker: Checker {
    public var name: String { "spelling" }
    public let service: SpellingService
    let tokenizer: Tokenizer

    public init(service: SpellingService) {
        self.service = service
        tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: service.options.skipAllCaps))
    }

    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        let language = service.language(for: reply)
        guard let speller = service.speller(for: language) ?? service.speller(for: service.options.language) else { return [] }
        let names = Self.names(in: reply)
        return check(reply.authored, speller: speller, names: names)
    }

    /// Checks plain text; `names` (lower-cased) are accepted as words.
    public func check(_ text: String, speller: Speller, names: Set<String> = []) -> [Finding] {
        let tokens = tokenizer.tokenize(text)
        var sentenceStarts = Set<Int>()
        for s in SentenceSplitter.split(tokens) {
            // The first word of a sentence, after any opening quote or bullet.
            if let first = s.tokens.first(where: { tokens[$0].isWord }) { sentenceStarts.insert(first) }
        }
        var findings: [Finding] = []
        for (i, token) in tokens.enumerated() where token.isWord {
            for (part, span) in parts(of: token) where !accepts(part, speller: speller, names: names,
                                                                 capitalizedInside: !sentenceStarts.contains(i) || span.start != token.span.start) {
                let suggestions = speller.suggest(part)
                let message = suggestions.isEmpty
                    ? "“\(part)” is not in the \(speller.hunspell.language) dictionary."
                    : "“\(part)” may be misspelled; did you mean " + Self.list(suggestions.map { "“\($0)”" }) + "?"
                findings.append(Finding(category: .spelling, rule: "spelling", severity: .warning, span: span,
                                        message: message, suggestion: suggestions.first))
            }
        }
        return findings
    }

    /// A hyphenated compound is checked part by part, unless the dictionary knows it whole.
    func parts(of token: Token) -> [(String, Span)] {
        let word = token.text.replacingOccurrences(of: "’", with: "'")
        guard word.contains("-") else { return [(word, token.span)] }
        var result: [(String, Span)] = []
        var offset = token.span.start
        for piece in word.split(separator: "-", omittingEmptySubsequences: false) {
            let length = piece.unicodeScalars.count
            if length > 0 { result.append((String(piece), Span(start: offset, end: offset + length))) }
            offset += length + 1
        }
        return result
    }

    func accepts(_ word: String, speller: Speller, names: Set<String>, capitalizedInside: Bool) -> Bool {
        if word.unicodeScalars.count < 2 { return true }
        if speller.isCorrect(word) { return true }
        let lower = word.lowercased()
        if names.contains(lower) { return true }
        // Possessives of words the dictionary knows: the customer's, the Parks'.
        for suffix in ["'s", "'"] where lower.hasSuffix(suffix) {
            let base = String(word.dropLast(suffix.count))
            if base.count > 1, speller.isCorrect(base) || names.contains(base.lowercased()) { return true }
        }
        // An unknown capitalized word inside a sentence is most likely a name or a brand.
        if service.options.skipCapitalized, capitalizedInside, let first = word.first, first.isUppercase { return true }
        return false
    }

    /// Every name in the reply's headers, as lower-cased words.
    static func names(in reply: Reply) -> Set<String> {
        var raw = [reply.agent] + reply.recipients
        if let q = reply.question { raw += [q.customerName, q.customerAddress].compactMap { $0 } }
        if let a = reply.fromAddress { raw.append(a) }
        var names = Set<String>()
        for r in raw {
            for piece in r.split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" }) where piece.count > 1 {
                names.insert(piece.lowercased())
            }
        }
        return names
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
