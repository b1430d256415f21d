import Foundation
import ReplyQACore

/// The phrase lists of `Dictionaries/safety/<lang>.yml`.
public struct SafetyPhrases: Decodable, Sendable {
    public var attachmentClaims: [String]
    public var notAttachmentClaims: [String]
    public var internalMarkers: [String]
    public var titles: [String]
    public var secretWords: [String]
    public var notSecrets: [String]
    /// Words that name a number as an order, tracking or case id: "order 4111 1111 1111 1111" is not a card.
    public var identifierWords: [String]

    enum CodingKeys: String, CodingKey {
        case attachmentClaims = "attachment_claims", notAttachmentClaims = "not_attachment_claims"
        case internalMarkers = "internal_markers", titles
        case secretWords = "secret_words", notSecrets = "not_secrets", identifierWords = "identifier_words"
    }
}

/// The language-independent patterns of `Dictionaries/safety/patterns.yml`.
public struct SafetyPatterns: Decodable, Sendable {
    public var cardNumber: String
    public var iban: String
    public var ssn: String
    public var mention: String
    /// Alternatives of one pattern.
    public var placeholder: [String]
    public var apiKeys: [String]
    /// With a `{greetings}` slot.
    public var greeting: String
    /// With a `{secret_words}` slot.
    public var secret: String
    public var notNameParts: [String]

    enum CodingKeys: String, CodingKey {
        case cardNumber = "card_number", iban, ssn, mention, placeholder, apiKeys = "api_keys", greeting, secret
        case notNameParts = "not_name_parts"
    }
}

/// Everything the safety rules read: the language's phrases, the shared greeting words and the patterns.
public struct SafetyLexicon: Sendable {
    public var phrases: SafetyPhrases
    public var common: CommonLexicon
    public var patterns: SafetyPatterns

    public init(phrases: SafetyPhrases, common: CommonLexicon, patterns: SafetyPatterns) {
        self.phrases = phrases; self.common = common; self.patterns = patterns
    }

    public static func load(language: String, locator: DictionaryLocator) throws -> SafetyLexicon {
        SafetyLexicon(phrases: try DataFile.load(SafetyPhrases.self, "safety/\(language).yml", locator: locator,
                                                 what: "safety phrase list for \(language)"),
                      common: try CommonLexicon.load(language: language, locator: locator),
                      patterns: try DataFile.load(SafetyPatterns.self, "safety/patterns.yml", locator: locator, what: "safety patterns"))
    }

    /// Compiles a pattern of the lexicon, refusing one that could backtrack catastrophically.
    func compile(_ pattern: String, _ name: String, caseInsensitive: Bool = false) throws -> NSRegularExpression {
        if let why = PatternCheck.backtrackingRisk(pattern) {
            throw DataFileError(description: "safety pattern \(name): \(pattern): \(why)")
        }
        do { return try NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : []) }
        catch { throw DataFileError(description: "safety pattern \(name): bad regular expression \(pattern)") }
    }

    /// `pattern` with `{slot}` filled with the words (escaped) as alternatives.
    func filling(_ pattern: String, _ slot: String, with words: [String], _ name: String) throws -> String {
        guard pattern.contains("{\(slot)}") else { throw DataFileError(description: "safety pattern \(name) has no {\(slot)} slot") }
        return pattern.replacingOccurrences(of: "{\(slot)}", with: words.map(NSRegularExpression.escapedPattern).joined(separator: "|"))
    }
}
