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
    // The one-byte fields last: a long text has millions of tokens, and this order packs each in 48 bytes, not 56.
    public var text: String
    /// Unicode-scalar offsets into the tokenized text.
    public var span: Span
    /// How many line breaks the whitespace before the token held.
    public var newlinesBefore: Int
    public var kind: Kind
    /// Whitespace before the token.
    public var spaceBefore: Bool

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
        return lower.unicodeScalars.contains("’")
            ? String(String.UnicodeScalarView(lower.unicodeScalars.map { $0 == "’" ? "'" : $0 })) : lower
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
        /// ASCII characters of which the chunk must hold at least one (local patterns).
        let triggers: AsciiSet
        let needsDigit: Bool

        init(_ kind: SkipKind, _ pattern: String, local: Bool, triggers: String = "", needsDigit: Bool = false) {
            self.kind = kind
            regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            self.local = local
            self.triggers = AsciiSet(triggers)
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
        ZonePattern(.path,
            #"(?<![\w/])(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|"#
                + #"\b[\w\-]+\.(?:pdf|jpe?g|png|gif|docx?|xlsx?|csv|txt|zip|exe|dmg|apk|log|json|xml|html?)\b"#,
            local: true, triggers: "/."),
        ZonePattern(.path, #"\b[A-Za-z]:\\[\w\\.\- ]+"#, local: false, triggers: "\\"),
        ZonePattern(.identifier, #"#\d[\w-]*|\b[A-Z]{1,6}-\d[\w-]*\b"#, local: true, triggers: "#-", needsDigit: true),
        ZonePattern(.measurement,
            #"(?i)\b\d+(?:[.,]\d+)?\s?(?:%|mb|gb|tb|kb|kg|lbs?|oz|km|cm|mm|mi|ft|ml|mph|°[cf]|hrs?|mins?|ms|px|pt)(?![\p{L}])"#,
            local: false, needsDigit: true),
        ZonePattern(.alphanumeric, #"\b(?=[\p{L}\d]*\d)(?=[\p{L}\d]*\p{L})[\p{L}\d]+\b"#, local: true, needsDigit: true),
        // Social agents sign with initials or a name: "^LF", "*XY", "~Braden", "-Massiel" at a line's end.
        ZonePattern(.initials, #"(?<![\w^*~])[\^*~]\p{Lu}[\p{L}]{0,20}\b"#, local: true, triggers: "^*~"),
        ZonePattern(.initials, #"(?<=\s)[-–—]\s?\p{Lu}\p{Ll}{1,20}(?=\s*$)"#, local: false),
    ]
    static let acronym = ZonePattern(.acronym, #"\b\p{Lu}{2,}s?\b"#, local: true)

    /// ASCII characters as a 128-bit set, for the zone patterns' trigger test.
    struct AsciiSet: Sendable, Equatable {
        var low: UInt64 = 0, high: UInt64 = 0
        init() {}
        init(_ s: String) { for u in s.utf8 where u < 128 { insert(u) } }
        mutating func insert(_ u: UInt8) { if u < 64 { low |= 1 << u } else { high |= 1 << (u - 64) } }
        func intersects(_ other: AsciiSet) -> Bool { low & other.low != 0 || high & other.high != 0 }
        var isEmpty: Bool { low == 0 && high == 0 }
    }

    /// Tokenizes `text`; spans are Unicode-scalar offsets into it. Linear in the text's length.
    public func tokenize(_ text: String) -> [Token] {
        var text = text
        text.makeContiguousUTF8()
        let source = ScalarText(text)
        var patterns = Self.zones
        if options.skipAllCaps { patterns.append(Self.acronym) }
        let zones = SkipZones(source, patterns: patterns, chunks: ChunkScan(source.scalars, patterns: patterns))
        var tokens = TokenWriter(scalars: source.scalars)
        let read: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in tokens.write(zones, bytes) }
        precondition(read != nil, "a contiguous string has contiguous UTF-8")
        return tokens.tokens
    }

    /// A text's scalars, with what turns the regex engine's UTF-16 offsets into scalar offsets.
    struct ScalarText {
        let text: String
        let scalars: [Unicode.Scalar]
        /// UTF-16 offsets of the scalars outside the Basic Multilingual Plane (two UTF-16 units each):
        /// all a regex range needs to become scalar offsets, and usually empty.
        let astral: [Int]
        /// The text's length in UTF-16 units.
        let utf16Count: Int

        init(_ text: String) {
            self.text = text
            scalars = Array(text.unicodeScalars)
            var astral: [Int] = []
            var u = 0
            for s in scalars {
                if s.value > 0xFFFF { astral.append(u); u += 2 } else { u += 1 }
            }
            self.astral = astral
            utf16Count = u
        }

        func scalarOffset(_ u16: Int) -> Int {
            guard !astral.isEmpty else { return u16 }
            var lo = 0, hi = astral.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if astral[mid] < u16 { lo = mid + 1 } else { hi = mid }
            }
            return u16 - lo
        }
    }

    /// Whitespace-free chunks that some local pattern must look at (those holding its trigger
    /// characters), and what the whole text holds, for the patterns that read all of it.
    struct ChunkScan {
        /// A chunk's UTF-16 start, scalar range and which patterns must read it (bits by index).
        struct Chunk {
            let u16: Int
            let scalars: Range<Int>
            let patterns: UInt32
        }
        private(set) var chunks: [Chunk] = []
        private(set) var allUnits = AsciiSet()
        private(set) var hasDigit = false
        private let patterns: [ZonePattern]
        private let local: [Int]
        // The chunk being read.
        private var start = -1, startScalar = 0
        private var units = AsciiSet(), digit = false, upper = 0, pendingDot = false

        init(_ scalars: [Unicode.Scalar], patterns: [ZonePattern]) {
            self.patterns = patterns
            local = patterns.indices.filter { patterns[$0].local }
            var offset = 0
            for (i, s) in scalars.enumerated() {
                let value = s.value
                if value == 32 || value == 10 || value == 9 || value == 13 || value == 0xA0 {
                    if start >= 0 { close(i) }
                    start = -1
                } else {
                    if start < 0 { start = offset; startScalar = i; units = AsciiSet(); digit = false; upper = 0; pendingDot = false }
                    add(s)
                }
                offset += value > 0xFFFF ? 2 : 1
            }
            if start >= 0 { close(scalars.count) }
        }

        private mutating func add(_ s: Unicode.Scalar) {
            let value = s.value
            guard value < 128 else {
                if pendingDot { units.insert(46); pendingDot = false }
                upper += s.utf16.count  // non-ASCII letters may be capitals: let the regex decide
                return
            }
            // A full stop only triggers the patterns that need one (links, file names, dates)
            // when something other than closing punctuation follows it in the chunk: no
            // match can end in "today." or "done.)".
            if value == 46 { pendingDot = true } else {
                if pendingDot, !Tokenizer.closing.contains(UInt8(value)) { units.insert(46); pendingDot = false }
                units.insert(UInt8(value))
            }
            if value >= 48 && value <= 57 { digit = true }
            if value >= 65 && value <= 90 { upper += 1 }
        }

        private mutating func close(_ end: Int) {
            allUnits.low |= units.low; allUnits.high |= units.high
            hasDigit = hasDigit || digit
            var mask: UInt32 = 0
            for k in local {
                let p = patterns[k]
                if (p.triggers.isEmpty || units.intersects(p.triggers)) && (!p.needsDigit || digit) && (p.kind != .acronym || upper >= 2) {
                    mask |= 1 << UInt32(k)
                }
            }
            if mask != 0 { chunks.append(Chunk(u16: start, scalars: startScalar..<end, patterns: mask)) }
        }
    }

    /// The skip zones of a text: first match wins where they overlap; a zone's end is kept at its first scalar.
    struct SkipZones {
        var kindAt: [SkipKind?]
        var endAt: [Int: Int] = [:]

        init(_ source: ScalarText, patterns: [ZonePattern], chunks scan: ChunkScan) {
            kindAt = [SkipKind?](repeating: nil, count: source.scalars.count)
            for (k, p) in patterns.enumerated() {
                if p.local {
                    for c in scan.chunks where c.patterns & (1 << UInt32(k)) != 0 { markChunk(c, p, source) }
                } else {
                    if p.needsDigit && !scan.hasDigit { continue }
                    if !p.triggers.isEmpty, !scan.allUnits.intersects(p.triggers) { continue }
                    for m in p.regex.matches(in: source.text, range: NSRange(location: 0, length: source.utf16Count)) {
                        mark(source.scalarOffset(m.range.location), source.scalarOffset(m.range.location + m.range.length),
                             p, source.scalars)
                    }
                }
            }
        }

        /// The chunk alone, not the whole text with a range: matching in a range hands the regex
        /// engine the whole text each time, which made tokenizing quadratic. Without transparent
        /// bounds a range is matched as if it were the whole string, so the matches are the same.
        private mutating func markChunk(_ c: ChunkScan.Chunk, _ p: ZonePattern, _ source: ScalarText) {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: source.scalars[c.scalars])
            let chunk = String(piece)
            for m in p.regex.matches(in: chunk, range: NSRange(location: 0, length: chunk.utf16.count)) {
                mark(source.scalarOffset(c.u16 + m.range.location), source.scalarOffset(c.u16 + m.range.location + m.range.length),
                     p, source.scalars)
            }
        }

        private mutating func mark(_ lo: Int, _ hi: Int, _ p: ZonePattern, _ scalars: [Unicode.Scalar]) {
            guard lo < hi, (lo..<hi).allSatisfy({ kindAt[$0] == nil }) else { return }
            if p.kind == .phone, scalars[lo..<hi].filter({ $0.properties.numericType != nil }).count < 7 { return }
            for i in lo..<hi { kindAt[i] = p.kind }
            endAt[lo] = hi
        }
    }

    /// Cuts the tokens, in order, with the whitespace before each.
    struct TokenWriter {
        let scalars: [Unicode.Scalar]
        var tokens: [Token] = []
        var space = false
        var newlines = 0
        /// Token texts are cut from the UTF-8 bytes: building them scalar by scalar was a tenth of the time.
        var u8 = 0

        init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

        mutating func write(_ zones: SkipZones, _ bytes: UnsafeBufferPointer<UInt8>) {
            var i = 0
            while i < scalars.count {
                let c = scalars[i]
                if let kind = zones.kindAt[i], let end = zones.endAt[i], end > i {
                    emit(i, end, .skipped(kind), bytes); i = end; continue
                }
                if Tokenizer.isWhitespace(c) {
                    space = true
                    if c == "\n" { newlines += 1 }
                    u8 += UTF8.width(c)
                    i += 1; continue
                }
                if Tokenizer.isLetter(c) {
                    let j = wordEnd(from: i, zones)
                    emit(i, j, .word, bytes); i = j; continue
                }
                if Tokenizer.isDigit(c) {
                    let j = numberEnd(from: i)
                    emit(i, j, .number, bytes); i = j; continue
                }
                emit(i, i + 1, .punctuation, bytes); i += 1
            }
        }

        /// The end of the word that starts at `i`.
        func wordEnd(from i: Int, _ zones: SkipZones) -> Int {
            var j = i + 1
            while j < scalars.count {
                if Tokenizer.isLetter(scalars[j]) && zones.kindAt[j] == nil { j += 1; continue }
                // Apostrophes and hyphens inside a word: don't, customer’s, sign-in.
                if (scalars[j] == "'" || scalars[j] == "’" || scalars[j] == "-"), j + 1 < scalars.count,
                   Tokenizer.isLetter(scalars[j + 1]), zones.kindAt[j + 1] == nil {
                    j += 2; continue
                }
                break
            }
            // A trailing possessive apostrophe (customers') belongs to the word.
            if j < scalars.count, scalars[j] == "'" || scalars[j] == "’", scalars[j - 1] == "s",
               j + 1 == scalars.count || !Tokenizer.isLetter(scalars[j + 1]) {
                if j + 1 == scalars.count || Tokenizer.isWhitespace(scalars[j + 1]) || ",.;:!?)".unicodeScalars.contains(scalars[j + 1]) {
                    j += 1
                }
            }
            return j
        }

        /// The end of the number that starts at `i` ("1,200.50", "10:30").
        func numberEnd(from i: Int) -> Int {
            var j = i + 1
            while j < scalars.count {
                if Tokenizer.isDigit(scalars[j]) { j += 1; continue }
                if (scalars[j] == "." || scalars[j] == "," || scalars[j] == ":"), j + 1 < scalars.count, Tokenizer.isDigit(scalars[j + 1]) {
                    j += 2; continue
                }
                break
            }
            return j
        }

        mutating func emit(_ lo: Int, _ hi: Int, _ kind: Token.Kind, _ bytes: UnsafeBufferPointer<UInt8>) {
            var end = u8
            for k in lo..<hi { end += UTF8.width(scalars[k]) }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[u8..<end]), as: UTF8.self)
            tokens.append(Token(text: word, span: Span(start: lo, end: hi), newlinesBefore: newlines, kind: kind, spaceBefore: space))
            space = false; newlines = 0
            u8 = end
        }
    }

    /// What may follow a full stop that no pattern could use: each of these is one a link may not
    /// end with (`[^\s<>()"'.,;:!?]`), and file names and dates need letters or digits after it.
    static let closing: Set<UInt8> = Set(".,;:!?)\"'".utf8)

    /// ASCII first: the Unicode property look-ups were a large share of tokenizing.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return v == 32 || (v >= 9 && v <= 13) }
        return c.properties.isWhitespace
    }

    /// An ASCII digit (the only digits that start a number token).
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        return c.properties.isAlphabetic || c.properties.generalCategory == .nonspacingMark
    }
}
