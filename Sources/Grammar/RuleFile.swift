import Foundation
import ReplyQACore

/// One token of a rule's pattern, as written in a rule file.
public final class TokenElement: Codable, Sendable {
    /// The token is one of these words (case-insensitive; curly apostrophes count as straight).
    public let word: [String]?
    /// The token's text fully matches this regular expression.
    public let regex: String?
    /// The token belongs to one of these lexicon classes (`Dictionaries/grammar/<lang>-lexicon.yml`).
    public let wordClass: [String]?
    /// `lower`, `upper` or `capitalized`.
    public let textCase: String?
    /// `word`, `number`, `punct`, `skipped` or `any`.
    public let kind: String?
    public let spaceBefore: Bool?
    public let newlineBefore: Bool?
    /// The token is the first of its sentence.
    public let sentenceStart: Bool?
    /// The token is the last of its sentence.
    public let sentenceEnd: Bool?
    /// The token repeats (case-insensitively) the token matched by pattern element N.
    public let sameAs: Int?
    /// The token must not also match this element.
    public let not: TokenElement?
    /// The element may match nothing.
    public let optional: Bool?
    /// The token just before this one, even across a sentence boundary, must match this element.
    public let previous: TokenElement?

    enum CodingKeys: String, CodingKey {
        case word, regex, wordClass = "class", textCase = "case", kind, spaceBefore = "space_before"
        case newlineBefore = "newline_before", sentenceStart = "sentence_start", sentenceEnd = "sentence_end"
        case sameAs = "same_as", not, optional, previous
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        word = try Self.stringOrList(c, .word)?.map { $0.lowercased().replacingOccurrences(of: "’", with: "'") }
        regex = try c.decodeIfPresent(String.self, forKey: .regex)
        wordClass = try Self.stringOrList(c, .wordClass)
        textCase = try c.decodeIfPresent(String.self, forKey: .textCase)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        spaceBefore = try c.decodeIfPresent(Bool.self, forKey: .spaceBefore)
        newlineBefore = try c.decodeIfPresent(Bool.self, forKey: .newlineBefore)
        sentenceStart = try c.decodeIfPresent(Bool.self, forKey: .sentenceStart)
        sentenceEnd = try c.decodeIfPresent(Bool.self, forKey: .sentenceEnd)
        sameAs = try c.decodeIfPresent(Int.self, forKey: .sameAs)
        not = try c.decodeIfPresent(TokenElement.self, forKey: .not)
        optional = try c.decodeIfPresent(Bool.self, forKey: .optional)
        previous = try c.decodeIfPresent(TokenElement.self, forKey: .previous)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(word, forKey: .word)
        try c.encodeIfPresent(regex, forKey: .regex)
        try c.encodeIfPresent(wordClass, forKey: .wordClass)
        try c.encodeIfPresent(textCase, forKey: .textCase)
        try c.encodeIfPresent(kind, forKey: .kind)
        try c.encodeIfPresent(spaceBefore, forKey: .spaceBefore)
        try c.encodeIfPresent(newlineBefore, forKey: .newlineBefore)
        try c.encodeIfPresent(sentenceStart, forKey: .sentenceStart)
        try c.encodeIfPresent(sentenceEnd, forKey: .sentenceEnd)
        try c.encodeIfPresent(sameAs, forKey: .sameAs)
        try c.encodeIfPresent(not, forKey: .not)
        try c.encodeIfPresent(optional, forKey: .optional)
        try c.encodeIfPresent(previous, forKey: .previous)
    }

    /// A word list, or one word; bare `true` or `12` in a list count as the words "true" and "12".
    static func stringOrList(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String]? {
        if let list = try? c.decodeIfPresent([LenientString].self, forKey: key) { return list.map(\.value) }
        return try c.decodeIfPresent(LenientString.self, forKey: key).map { [$0.value] }
    }
}

/// A scalar read as text, whatever type YAML gave it.
struct LenientString: Decodable {
    var value: String
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s }
        else if let b = try? c.decode(Bool.self) { value = b ? "true" : "false" }
        else if let i = try? c.decode(Int.self) { value = String(i) }
        else { value = String(try c.decode(Double.self)) }
    }
}

/// A grammar or style rule as written in a rule file (LanguageTool-style: rules are data).
public struct GrammarRule: Codable, Sendable {
    public var id: String
    public var category: Category
    public var severity: Severity
    /// What a coach reads; `{N}` is the text matched by pattern element N.
    public var message: String
    /// The replacement for the marked span; `{N}` as in the message.
    public var suggestion: String?
    /// Replacements by the marked text (lower-cased), for rules that match a list of words.
    public var suggestions: [String: String]?
    /// Token pattern; empty for built-in checks.
    public var pattern: [TokenElement]
    /// Pattern elements the finding covers, first and last (default: all).
    public var mark: [Int]?
    /// The token before the match must not match this.
    public var notAfter: TokenElement?
    /// The token after the match must not match this.
    public var notBefore: TokenElement?
    /// A built-in check instead of a pattern: `unbalanced-brackets`, `unbalanced-quotes`, `long-sentence`.
    public var builtin: String?
    /// Numeric parameters of a built-in check (e.g. `max_words`).
    public var parameters: [String: Int]
    public var description: String?
    public var triggers: [String]
    public var passes: [String]

    enum CodingKeys: String, CodingKey {
        case id, category, severity, message, suggestion, suggestions, pattern, mark
        case notAfter = "not_after", notBefore = "not_before", builtin, parameters, description, examples
    }
    enum ExampleKeys: String, CodingKey { case trigger, pass }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        category = try c.decodeIfPresent(Category.self, forKey: .category) ?? .grammar
        severity = try c.decodeIfPresent(Severity.self, forKey: .severity) ?? .warning
        message = try c.decode(String.self, forKey: .message)
        suggestion = try c.decodeIfPresent(String.self, forKey: .suggestion)
        suggestions = try c.decodeIfPresent([String: String].self, forKey: .suggestions)
        pattern = try c.decodeIfPresent([TokenElement].self, forKey: .pattern) ?? []
        mark = try c.decodeIfPresent([Int].self, forKey: .mark)
        notAfter = try c.decodeIfPresent(TokenElement.self, forKey: .notAfter)
        notBefore = try c.decodeIfPresent(TokenElement.self, forKey: .notBefore)
        builtin = try c.decodeIfPresent(String.self, forKey: .builtin)
        parameters = try c.decodeIfPresent([String: Int].self, forKey: .parameters) ?? [:]
        description = try c.decodeIfPresent(String.self, forKey: .description)
        let e = try c.nestedContainer(keyedBy: ExampleKeys.self, forKey: .examples)
        triggers = try e.decodeIfPresent([String].self, forKey: .trigger) ?? []
        passes = try e.decodeIfPresent([String].self, forKey: .pass) ?? []
        if pattern.isEmpty && builtin == nil {
            throw DecodingError.dataCorruptedError(forKey: .pattern, in: c,
                                                   debugDescription: "rule \(id) has neither a pattern nor a builtin")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(category, forKey: .category)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(suggestion, forKey: .suggestion)
        try c.encodeIfPresent(suggestions, forKey: .suggestions)
        if !pattern.isEmpty { try c.encode(pattern, forKey: .pattern) }
        try c.encodeIfPresent(mark, forKey: .mark)
        try c.encodeIfPresent(notAfter, forKey: .notAfter)
        try c.encodeIfPresent(notBefore, forKey: .notBefore)
        try c.encodeIfPresent(builtin, forKey: .builtin)
        try c.encode(parameters, forKey: .parameters)
        try c.encodeIfPresent(description, forKey: .description)
        var e = c.nestedContainer(keyedBy: ExampleKeys.self, forKey: .examples)
        try e.encode(triggers, forKey: .trigger)
        try e.encode(passes, forKey: .pass)
    }

    public var summary: RuleDescription {
        RuleDescription(id: id, category: category, severity: severity,
                        summary: description ?? message.replacingOccurrences(of: #"\{\d+\}"#, with: "…", options: .regularExpression),
                        triggers: triggers, passes: passes)
    }
}

/// Word classes for patterns, plus the exceptions of the computed sound classes.
public struct Lexicon: Sendable {
    public var classes: [String: Set<String>]

    public init(classes: [String: Set<String>]) { self.classes = classes }

    public func contains(_ word: String, in wordClass: String) -> Bool {
        switch wordClass {
        case "vowel-sound": return startsWithVowelSound(word) && soundIsCertain(word, vowel: true)
        case "consonant-sound": return !word.isEmpty && !startsWithVowelSound(word) && word.first!.isLetter
            && soundIsCertain(word, vowel: false)
        default: return classes[wordClass]?.contains(word) ?? false
        }
    }

    /// Capitalized words are often names and products whose sound spelling does not tell
    /// ("an Uninstaller", "an Xbox", "a Uber"): judge them only when the first letter always
    /// sounds the same; lower-case words and acronyms are judged as usual.
    func soundIsCertain(_ word: String, vowel: Bool) -> Bool {
        guard let first = word.first, first.isUppercase, word.dropFirst().contains(where: \.isLowercase) else { return true }
        let lower = word.lowercased()
        if (classes[vowel ? "vowel-sound-prefixes" : "consonant-sound-prefixes"] ?? [])
            .contains(where: { lower.hasPrefix($0) }) { return true }
        return (vowel ? "AIO" : "BCDGJKPQTVWZ").contains(first)
    }

    /// "an hour", "an SMS", "a user", "a one-time": spelling first, then the exception lists.
    public func startsWithVowelSound(_ raw: String) -> Bool {
        let word = raw.replacingOccurrences(of: "’", with: "'")
        let lower = word.lowercased()
        let head = String(lower.prefix { $0.isLetter })
        if head.isEmpty {
            // Numbers: "an 8", "an 11th", "an 18", "an 80-minute call".
            let digits = String(word.prefix { $0.isNumber })
            return digits.hasPrefix("8") || digits == "11" || digits == "18"
        }
        for prefix in classes["vowel-sound-prefixes"] ?? [] where lower.hasPrefix(prefix) { return true }
        for prefix in classes["consonant-sound-prefixes"] ?? [] where lower.hasPrefix(prefix) { return false }
        // Acronyms read letter by letter: "an SMS", "an FAQ", "a USB".
        let letters = word.prefix { $0.isLetter }
        if letters.count >= 2, letters.allSatisfy({ $0.isUppercase }), !(classes["acronym-words"] ?? []).contains(lower) {
            return "AEFHILMNORSX".contains(letters.first!)
        }
        return "aeiou".contains(head.first!)
    }

    public static func load(_ url: URL) throws -> Lexicon {
        let text = try String(contentsOf: url, encoding: .utf8)
        let raw = try DataFile.decode([String: [String]].self, from: text, file: url.lastPathComponent)
        return Lexicon(classes: raw.mapValues { Set($0.map { $0.lowercased().replacingOccurrences(of: "’", with: "'") }) })
    }
}
