import Foundation
import ReplyQACore
import TextAnalysis

/// Word lists for relevance: stopwords, very common support words, and synonym groups
/// (`Dictionaries/relevance/`).
public struct RelevanceLexicon: Sendable {
    public var stopwords: Set<String>
    public var common: Set<String>
    /// Multi-word synonyms, longest first, as word sequences with their group name.
    var phrases: [([String], String)]
    /// Single-word synonym -> group name.
    var words: [String: String]
    /// What makes a customer's sentence an open question (`relevance/open-questions.yml`).
    public var openQuestions: OpenQuestionLexicon
    /// Words never shown as what a message is about: month and day names (`relevance/not-topics.txt`).
    public var notTopics: Set<String> = []

    public init(stopwords: Set<String>, common: Set<String>, synonymGroups: [[String]],
                openQuestions: OpenQuestionLexicon = OpenQuestionLexicon()) {
        self.stopwords = stopwords
        self.common = common
        self.openQuestions = openQuestions
        var phrases: [([String], String)] = [], words: [String: String] = [:]
        for group in synonymGroups where !group.isEmpty {
            let name = group[0].lowercased()
            for entry in group {
                let parts = entry.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
                if parts.count > 1 { phrases.append((parts, name)) } else if let w = parts.first { words[w] = name }
            }
        }
        self.phrases = phrases.sorted { $0.0.count > $1.0.count }
        self.words = words
    }

    public static func load(locator: DictionaryLocator) throws -> RelevanceLexicon {
        func list(_ name: String) throws -> [String] {
            guard let url = locator.file("relevance/\(name)") else {
                throw DataFileError(description: "missing \(locator.root?.path ?? "Dictionaries")/relevance/\(name)")
            }
            return DictionaryLocator.wordList(url)
        }
        let groups = try list("synonyms.txt").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let questions = locator.file("relevance/open-questions.yml") else {
            throw DataFileError(description: "missing \(locator.root?.path ?? "Dictionaries")/relevance/open-questions.yml")
        }
        let open: OpenQuestionLexicon
        do { open = try DataFile.decode(OpenQuestionLexicon.self, from: String(contentsOf: questions, encoding: .utf8),
                                        file: questions.path) }
        catch { throw DataFileError(description: "\(error)") }
        var lexicon = RelevanceLexicon(stopwords: Set(try list("stopwords.txt").map { $0.lowercased() }),
                                       common: Set(try list("common-words.txt").map { $0.lowercased() }), synonymGroups: groups,
                                       openQuestions: open)
        lexicon.notTopics = Set(try list("not-topics.txt").map { $0.lowercased() })
        return lexicon
    }
}

/// The word lists that tell a real, open question from a plea, a vent or a rhetorical one.
public struct OpenQuestionLexicon: Codable, Sendable {
    public var openers: Set<String> = []
    public var leadIns: Set<String> = []
    public var rhetorical: [String] = []
    public var referrals: [String] = []
    public init() {}

    enum CodingKeys: String, CodingKey { case openers, leadIns = "lead_ins", rhetorical, referrals }
}

/// Turns text into comparable terms: synonyms folded into their group, light stemming, no
/// function words; and picks out entities (order numbers, ids, amounts, product names).
public struct TermExtractor: Sendable {
    public let lexicon: RelevanceLexicon
    let tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: false))

    public init(lexicon: RelevanceLexicon) { self.lexicon = lexicon }

    /// Light suffix stripping: enough to meet "refunds"/"refunded", not a full stemmer.
    public static func stem(_ w: String) -> String {
        for suffix in ["ing", "ed", "es", "s", "ly"] where w.hasSuffix(suffix) && w.count - suffix.count >= 4 {
            return String(w.dropLast(suffix.count))
        }
        return w
    }

    public func tokens(_ text: String) -> [Token] { tokenizer.tokenize(text) }

    /// Words in a link's path often name the topic: help.example.com/photoshop/crash-on-start.
    static let urlNoise: Set<String> = ["http", "https", "www", "html", "htm", "php", "aspx", "answer", "answers", "help", "support",
                                        "com", "org", "net", "web", "archive", "docs", "article", "articles", "community", "en-us", "hl"]

    /// Content terms in order of appearance (repeats kept).
    public func terms(_ tokens: [Token]) -> [String] {
        var words: [String] = []
        for t in tokens {
            if t.isWord { words.append(t.normalized) }
            else if case .skipped(.url) = t.kind {
                for piece in t.text.lowercased().split(whereSeparator: { !$0.isLetter }) where piece.count >= 4
                    && !Self.urlNoise.contains(String(piece)) {
                    words.append(String(piece))
                }
            }
        }
        var out: [String] = []
        var i = 0
        outer: while i < words.count {
            for (phrase, group) in lexicon.phrases where i + phrase.count <= words.count && Array(words[i..<i + phrase.count]) == phrase {
                out.append(group); i += phrase.count; continue outer
            }
            var w = words[i]
            i += 1
            if w.hasSuffix("'s") { w = String(w.dropLast(2)) } else if w.hasSuffix("'") { w = String(w.dropLast()) }
            if let group = lexicon.words[w] { out.append(group); continue }
            if lexicon.stopwords.contains(w) || w.count < 3 { continue }
            let s = Self.stem(w)
            out.append(lexicon.words[s] ?? s)
        }
        return out
    }

    static let quoted = try! NSRegularExpression(pattern: #"["“]([^"”\n]{3,60})["”]|\b(?:error|code)\s*:?\s*([A-Za-z]{0,4}-?\d[\w-]*)"#,
                                                                      options: [.caseInsensitive])

    /// Quoted text and error messages the customer reports ("error E-1042", “Payment declined”).
    public func quotedEntities(_ text: String) -> Set<String> {
        var found = Set<String>()
        for m in Self.quoted.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)) {
            for g in 1..<m.numberOfRanges where m.range(at: g).location != NSNotFound {
                found.insert((text as NSString).substring(with: m.range(at: g)).lowercased().trimmingCharacters(in: .whitespaces))
            }
        }
        return found
    }

    /// Order and ticket numbers, ids, amounts, and capitalized names inside sentences.
    public func entities(_ tokens: [Token]) -> Set<String> {
        var found = Set<String>()
        let starts = Set(SentenceSplitter.split(tokens).compactMap { s in s.tokens.first { tokens[$0].isWord } })
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .skipped(.identifier), .skipped(.alphanumeric):
                found.insert(t.text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "#")))
            case .number where t.text.filter(\.isNumber).count >= 3:
                found.insert(t.text)
            case .word where !starts.contains(i) && t.text.first?.isUppercase == true && t.text.count > 2
                && !lexicon.stopwords.contains(t.normalized):
                found.insert(t.normalized)
            default: break
            }
        }
        return found
    }
}
