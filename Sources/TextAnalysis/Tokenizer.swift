import Foundation
import ReplyQACore

/// What a skipped stretch of text is; spelling and grammar rules never look inside it.
public enum SkipKind: String, Sendable, CaseIterable, Codable {
    case url, email, handle, hashtag, date, phone, identifier, path, code, measurement, alphanumeric, acronym, initials
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
    /// A letter three or more times in a row ("Uhhh", "whyyy"): stretched for effect, as no English word is.
    public var isStretched: Bool {
        var run = 1
        var previous: Character?
        for c in text.lowercased() {
            run = c == previous && c.isLetter ? run + 1 : 1
            if run >= 3 { return true }
            previous = c
        }
        return false
    }
    /// The word with curly apostrophes made straight, lower-cased.
    public var normalized: String {
        // Plain ASCII words skip Foundation's slower string replacement.
        let lower = text.lowercased()
        return lower.unicodeScalars.contains("’") ? String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "’" ? "'" : $0 })) : lower
    }
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

    /// A skip-zone pattern. Most zones lie inside one whitespace-free chunk ("local"): those run
    /// only on chunks holding a trigger character, which keeps tokenizing fast on long replies.
    struct ZonePattern: @unchecked Sendable {
        let kind: SkipKind
        let regex: NSRegularExpression
        let local: Bool
        /// ASCII code units of which the chunk must hold at least one (local patterns).
        let triggers: Set<UInt16>
        let needsDigit: Bool

        init(_ kind: SkipKind, _ pattern: String, local: Bool, triggers: String = "", needsDigit: Bool = false) {
            self.kind = kind
            regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            self.local = local
            self.triggers = Set(triggers.utf16)
            self.needsDigit = needsDigit
        }
    }

    static let zones: [ZonePattern] = [
        ZonePattern(.url, #"(?i)\b(?:https?://|www\.)[^\s<>()"']*[^\s<>()"'.,;:!?]"#, local: true, triggers: "/."),
        // Links written without a scheme: "support.google.com/youtube/answer/185111".
        ZonePattern(.url, #"(?i)\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>()"']*[^\s<>()"'.,;:!?]"#, local: true, triggers: "/"),
        ZonePattern(.email, #"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"#, local: true, triggers: "@"),
        ZonePattern(.handle, #"(?<![\w@])@\w{1,30}"#, local: true, triggers: "@"),
        ZonePattern(.hashtag, #"(?<![\w&])#[\p{L}_][\p{L}\d_]*"#, local: true, triggers: "#"),
        ZonePattern(.date, #"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"#, local: true, triggers: "-./", needsDigit: true),
        ZonePattern(.phone, #"(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?![\w])"#, local: false, needsDigit: true),
        ZonePattern(.code, #"`[^`\n]+`"#, local: false, triggers: "`"),
        ZonePattern(.code, #"\b\w+\(\)|\b[a-z]+_\w+\b"#, local: true, triggers: "(_"),
        ZonePattern(.path, #"(?<![\w/])(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|\b[\w\-]+\.(?:pdf|jpe?g|png|gif|docx?|xlsx?|csv|txt|zip|exe|dmg|apk|log|json|xml|html?)\b"#, local: true, triggers: "/."),
        ZonePattern(.path, #"\b[A-Za-z]:\\[\w\\.\- ]+"#, local: false, triggers: "\\"),
        ZonePattern(.identifier, #"#\d[\w-]*|\b[A-Z]{1,6}-\d[\w-]*\b"#, local: true, triggers: "#-", needsDigit: true),
        ZonePattern(.measurement, #"(?i)\b\d+(?:[.,]\d+)?\s?(?:%|mb|gb|tb|kb|kg|lbs?|oz|km|cm|mm|mi|ft|ml|mph|°[cf]|hrs?|mins?|ms|px|pt)(?![\p{L}])"#, local: false, needsDigit: true),
        ZonePattern(.alphanumeric, #"\b(?=[\p{L}\d]*\d)(?=[\p{L}\d]*\p{L})[\p{L}\d]+\b"#, local: true, needsDigit: true),
        // Social agents sign with initials or a name: "^LF", "*XY", "~Braden", "-Massiel" at a line's end.
        ZonePattern(.initials, #"(?<![\w^*~])[\^*~]\p{Lu}[\p{L}]{0,20}\b"#, local: true, triggers: "^*~"),
        ZonePattern(.initials, #"(?<=\s)[-–—]\s?\p{Lu}\p{Ll}{1,20}(?=\s*$)"#, local: false),
    ]
    static let acronym = ZonePattern(.acronym, #"\b\p{Lu}{2,}s?\b"#, local: true)

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
        // Whitespace-free chunks, as UTF-16 ranges, with what they hold.
        var chunks: [(range: NSRange, units: Set<UInt16>, digit: Bool, upper: Int)] = []
        var start = -1
        var units = Set<UInt16>(), digit = false, upper = 0
        var offset = 0
        for unit in text.utf16 {
            let white = unit == 32 || unit == 10 || unit == 9 || unit == 13 || unit == 0xA0
            if white {
                if start >= 0 { chunks.append((NSRange(location: start, length: offset - start), units, digit, upper)) }
                start = -1
            } else {
                if start < 0 { start = offset; units = []; digit = false; upper = 0 }
                if unit < 128 {
                    units.insert(unit)
                    if unit >= 48 && unit <= 57 { digit = true }
                    if unit >= 65 && unit <= 90 { upper += 1 }
                } else { upper += 1 }  // non-ASCII letters may be capitals: let the regex decide
            }
            offset += 1
        }
        if start >= 0 { chunks.append((NSRange(location: start, length: offset - start), units, digit, upper)) }
        let hasDigit = chunks.contains(where: \.digit)

        var patterns = Self.zones
        if options.skipAllCaps { patterns.append(Self.acronym) }
        for p in patterns {
            var ranges: [NSRange]
            if p.local {
                ranges = chunks.filter { c in
                    (p.triggers.isEmpty || !c.units.isDisjoint(with: p.triggers)) && (!p.needsDigit || c.digit)
                        && (p.kind != .acronym || c.upper >= 2)
                }.map(\.range)
            } else {
                if p.needsDigit && !hasDigit { continue }
                if !p.triggers.isEmpty, !chunks.contains(where: { !$0.units.isDisjoint(with: p.triggers) }) { continue }
                ranges = [full]
            }
            for range in ranges {
                for m in p.regex.matches(in: text, range: range) {
                    let lo = u16ToScalar[m.range.location], hi = u16ToScalar[m.range.location + m.range.length]
                    guard lo < hi, (lo..<hi).allSatisfy({ zoneAt[$0] == nil }) else { continue }
                    if p.kind == .phone, scalars[lo..<hi].filter({ $0.properties.numericType != nil }).count < 7 { continue }
                    for i in lo..<hi { zoneAt[i] = p.kind }
                    zoneEnd[lo] = hi
                }
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
