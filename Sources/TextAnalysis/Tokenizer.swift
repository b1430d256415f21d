import Foundation
import ReplyQACore

/// What a skipped stretch of text is; spelling and grammar rules never look inside it.
public enum SkipKind: String, Sendable, CaseIterable, Codable {
    case url, email, handle, hashtag, phone, identifier, path, code, measurement, alphanumeric, acronym, initials
}

/// One token of a reply's text, with its exact place.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case word, number, punctuation
        case skipped(SkipKind)
    }
    public var text: String
    public var kind: Kind
    /// Unicode-scalar offsets into the tokenized text.
    public var span: Span
    /// Whitespace before the token, and how many line breaks it held.
    public var spaceBefore: Bool
    public var newlinesBefore: Int

    public var isWord: Bool { kind == .word }
    /// The word with curly apostrophes made straight, lower-cased.
    public var normalized: String { text.replacingOccurrences(of: "’", with: "'").lowercased() }
}

/// Options for what the tokenizer treats as a skip zone.
public struct TokenizerOptions: Sendable, Equatable {
    /// ALL-CAPS words (acronyms, shouting) are skipped for spelling.
    public var skipAllCaps = true
    public init(skipAllCaps: Bool = true) { self.skipAllCaps = skipAllCaps }
}

/// Splits text into words, numbers and punctuation, marking zones that are not prose (URLs,
/// addresses, handles, ids, paths, code, measurements, words with digits, acronyms).
public struct Tokenizer: Sendable {
    public var options: TokenizerOptions
    public init(options: TokenizerOptions = TokenizerOptions()) { self.options = options }

    static let zonePatterns: [(SkipKind, String)] = [
        (.url, #"(?i)\b(?:https?://|www\.)[^\s<>()"']*[^\s<>()"'.,;:!?]"#),
        (.email, #"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"#),
        (.handle, #"(?<![\w@])@\w{1,30}"#),
        (.hashtag, #"(?<![\w&])#[\p{L}_][\p{L}\d_]*"#),
        (.phone, #"(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?![\w])"#),
        (.code, #"`[^`\n]+`|\b\w+\(\)|\b[a-z]+_\w+\b"#),
        (.path, #"(?<![\w/])(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|\b[A-Za-z]:\\[\w\\.\- ]+|\b[\w\-]+\.(?:pdf|jpe?g|png|gif|docx?|xlsx?|csv|txt|zip|exe|dmg|apk|log|json|xml|html?)\b"#),
        (.identifier, #"#\d[\w-]*|\b[A-Z]{1,6}-\d[\w-]*\b"#),
        (.measurement, #"(?i)\b\d+(?:[.,]\d+)?\s?(?:%|mb|gb|tb|kb|kg|lbs?|oz|km|cm|mm|mi|ft|ml|mph|°[cf]|hrs?|mins?|ms|px|pt)(?![\p{L}])"#),
        (.alphanumeric, #"\b(?=[\p{L}\d]*\d)(?=[\p{L}\d]*\p{L})[\p{L}\d]+\b"#),
        // Social agents sign with initials or a name: "^LF", "*XY", "~Braden", "-Massiel" at a line's end.
        (.initials, #"(?<![\w^*~])[\^*~]\p{Lu}[\p{L}]{0,20}\b|(?<=\s)[-–—]\s?\p{Lu}\p{Ll}{1,20}(?=\s*$)"#),
    ]
    nonisolated(unsafe) static let zones: [(SkipKind, NSRegularExpression)] = zonePatterns.map { ($0.0, try! NSRegularExpression(pattern: $0.1, options: [.anchorsMatchLines])) }
    nonisolated(unsafe) static let acronym = try! NSRegularExpression(pattern: #"\b\p{Lu}{2,}s?\b"#)

    /// Tokenizes `text`; spans are Unicode-scalar offsets into it.
    public func tokenize(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        // UTF-16 offset -> scalar offset, for NSRegularExpression ranges.
        var u16ToScalar = [Int](repeating: 0, count: text.utf16.count + 1)
        var u = 0
        for (i, s) in scalars.enumerated() {
            let width = s.utf16.count
            for k in 0..<width { u16ToScalar[u + k] = i }
            u += width
        }
        u16ToScalar[u] = scalars.count

        // Skip zones, first match wins where they overlap.
        var zoneAt = [SkipKind?](repeating: nil, count: scalars.count)
        var zoneEnd = [Int](repeating: 0, count: scalars.count)
        let full = NSRange(location: 0, length: text.utf16.count)
        var patterns = Self.zones
        if options.skipAllCaps { patterns.append((.acronym, Self.acronym)) }
        for (kind, regex) in patterns {
            for m in regex.matches(in: text, range: full) {
                let lo = u16ToScalar[m.range.location], hi = u16ToScalar[m.range.location + m.range.length]
                guard lo < hi, (lo..<hi).allSatisfy({ zoneAt[$0] == nil }) else { continue }
                if kind == .phone, scalars[lo..<hi].filter({ $0.properties.numericType != nil }).count < 7 { continue }
                for i in lo..<hi { zoneAt[i] = kind }
                zoneEnd[lo] = hi
            }
        }

        var tokens: [Token] = []
        var i = 0
        var space = false
        var newlines = 0
        func emit(_ lo: Int, _ hi: Int, _ kind: Token.Kind) {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[lo..<hi])
            tokens.append(Token(text: String(s), kind: kind, span: Span(start: lo, end: hi), spaceBefore: space, newlinesBefore: newlines))
            space = false; newlines = 0
        }
        while i < scalars.count {
            let c = scalars[i]
            if let kind = zoneAt[i], zoneEnd[i] > i {
                emit(i, zoneEnd[i], .skipped(kind)); i = zoneEnd[i]; continue
            }
            if c.properties.isWhitespace {
                space = true
                if c == "\n" { newlines += 1 }
                i += 1; continue
            }
            if Self.isLetter(c) {
                var j = i + 1
                while j < scalars.count {
                    if Self.isLetter(scalars[j]) && zoneAt[j] == nil { j += 1; continue }
                    // Apostrophes and hyphens inside a word: don't, customer’s, sign-in.
                    if (scalars[j] == "'" || scalars[j] == "’" || scalars[j] == "-"), j + 1 < scalars.count,
                       Self.isLetter(scalars[j + 1]), zoneAt[j + 1] == nil {
                        j += 2; continue
                    }
                    break
                }
                // A trailing possessive apostrophe (customers') belongs to the word.
                if j < scalars.count, scalars[j] == "'" || scalars[j] == "’", scalars[j - 1] == "s",
                   j + 1 == scalars.count || !Self.isLetter(scalars[j + 1]) {
                    if j + 1 == scalars.count || scalars[j + 1].properties.isWhitespace || ",.;:!?)".unicodeScalars.contains(scalars[j + 1]) { j += 1 }
                }
                emit(i, j, .word); i = j; continue
            }
            if c.properties.numericType != nil && c.value < 128 {
                var j = i + 1
                while j < scalars.count {
                    if scalars[j].properties.numericType != nil && scalars[j].value < 128 { j += 1; continue }
                    if (scalars[j] == "." || scalars[j] == "," || scalars[j] == ":"), j + 1 < scalars.count,
                       scalars[j + 1].properties.numericType != nil && scalars[j + 1].value < 128 { j += 2; continue }
                    break
                }
                emit(i, j, .number); i = j; continue
            }
            emit(i, i + 1, .punctuation); i += 1
        }
        return tokens
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || c.properties.generalCategory == .nonspacingMark
    }
}
