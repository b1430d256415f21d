import ReplyQACore

/// A stretch of a reply that is data rather than language (an attachment pasted as base64, a hex
/// dump, binary bytes read as text, a long run of non-words): spell-checking it would bury the
/// reply under hundreds of findings and cost seconds per KB in suggestions.
public struct NonLanguageZone: Sendable, Equatable {
    /// What the stretch looks like, as the finding names it.
    public enum Kind: String, Sendable {
        case base64, hexDump = "hex dump", binary, nonWords = "non-words"
    }
    public var kind: Kind
    public var span: Span
    public init(kind: Kind, span: Span) { self.kind = kind; self.span = span }
}

/// Finds the stretches of a text that are not language, without a dictionary (base64, hex dumps,
/// binary), and, given which words a dictionary knows, long runs of non-words.
public enum NonLanguage {
    /// A whitespace-free piece of base64 this long starts a base64 zone (MIME lines are 76).
    static let base64Chunk = 40
    /// Hex byte groups in a row that make a dump.
    static let hexGroups = 16
    /// A single run of hex digits this long is a blob (a hash is 64 at most).
    static let hexBlob = 128
    /// Chunks with broken or control characters in a row that make binary data.
    static let binaryChunks = 6
    /// Zones of one kind this close (in scalars) are one zone.
    static let mergeGap = 64
    /// Unknown words in a run (no two known words together) that make it not language.
    public static let nonWordRun = 12

    struct Chunk {
        var lo: Int, hi: Int
        var base64 = false, base64Tail = false, hex = false, hexDigit = false, hexBlob = false, junk = false
        var length: Int { hi - lo }
    }

    /// Dictionary-free zones of `text` (spans are scalar offsets), in text order.
    public static func zones(in text: String) -> [NonLanguageZone] {
        let scalars = Array(text.unicodeScalars)
        var chunks: [Chunk] = []
        var start = -1
        for i in 0...scalars.count {
            let white = i == scalars.count || scalars[i].properties.isWhitespace
            if white {
                if start >= 0 { chunks.append(classify(scalars, start, i)) }
                start = -1
            } else if start < 0 {
                start = i
            }
        }
        var zones: [NonLanguageZone] = []
        zones += base64Zones(chunks)
        zones += runs(chunks, member: { $0.hex }, gap: 3) { run in
            let groups = run.filter(\.hex)
            return groups.count >= hexGroups && groups.filter(\.hexDigit).count * 4 >= groups.count
        }.map { run in
            // The last line's text column ("|Order 1234 shipp|", as hexdump -C prints it) belongs to the dump.
            // Its words may hold hex groups ("1234"), so the column may start inside the run.
            var last = run.upperBound
            let next = last + 1
            if next < chunks.count,
               let close = chunks[next..<min(chunks.count, next + 8)].firstIndex(where: { scalars[$0.hi - 1] == "|" }),
               chunks[max(0, next - 3)...close].contains(where: { scalars[$0.lo] == "|" }) {
                last = close
            }
            return NonLanguageZone(kind: .hexDump, span: Span(start: chunks[run.lowerBound].lo, end: chunks[last].hi))
        }
        zones += chunks.filter(\.hexBlob).map { NonLanguageZone(kind: .hexDump, span: Span(start: $0.lo, end: $0.hi)) }
        zones += runs(chunks, member: { $0.junk }, gap: 2) { run in
            let junk = run.filter(\.junk)
            return junk.count >= binaryChunks || junk.reduce(0) { $0 + $1.length } >= 48
        }.map { NonLanguageZone(kind: .binary, span: Span(start: chunks[$0.lowerBound].lo, end: chunks[$0.upperBound].hi)) }
        // Where zones overlap, the first found (base64, hex, binary) keeps the text. `kept` stays
        // sorted and disjoint, so one binary search tells whether a zone overlaps any of it.
        var kept: [NonLanguageZone] = []
        for z in zones {
            var lo = 0, hi = kept.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if kept[mid].span.end <= z.span.start { lo = mid + 1 } else { hi = mid }
            }
            if lo < kept.count, kept[lo].span.start < z.span.end { continue }
            kept.insert(z, at: lo)
        }
        // A few clean-looking pieces inside a blob (binary read as text has some) do not split it.
        var merged: [NonLanguageZone] = []
        for z in kept {
            if let last = merged.last, last.kind == z.kind, z.span.start - last.span.end <= mergeGap {
                merged[merged.count - 1].span.end = z.span.end
            } else {
                merged.append(z)
            }
        }
        return merged
    }

    static func classify(_ s: [Unicode.Scalar], _ lo: Int, _ hi: Int) -> Chunk {
        var c = Chunk(lo: lo, hi: hi)
        var upper = 0, lower = 0, digits = 0, signs = 0, alphabet = true, padding = false
        var hexOnly = true, hexCount = 0, letters = 0, broken = 0
        var others = Set<UInt32>()
        for k in lo..<hi {
            let x = s[k], v = x.value
            let isUpper = v >= 65 && v <= 90, isLower = v >= 97 && v <= 122, isDigit = v >= 48 && v <= 57
            if isUpper { upper += 1 } else if isLower { lower += 1 } else if isDigit { digits += 1 }
            if x == "+" || x == "/" || x == "-" || x == "_" { signs += 1 }
            if x == "=" { padding = true } else if padding { alphabet = false }
            if !(isUpper || isLower || isDigit || x == "+" || x == "/" || x == "-" || x == "_" || x == "=") { alphabet = false }
            let isHex = isDigit || (v >= 65 && v <= 70) || (v >= 97 && v <= 102)
            if isHex { hexCount += 1 } else { hexOnly = false }
            switch x.properties.generalCategory {
            case .control, .privateUse, .unassigned, .surrogate: broken += 1
            default:
                if v == 0xFFFD { broken += 1 }
                else if x.properties.isAlphabetic || isDigit || x.properties.isEmoji && v > 0xFF { letters += 1 }
                else { others.insert(v) }
            }
        }
        let n = hi - lo
        // A short piece of a block: padded, or mixed case with a digit or sign, as words are not.
        c.base64Tail = alphabet && n >= 4 && (padding || (n >= 16 && upper > 0 && lower > 0 && digits + signs >= 1))
        c.base64 = alphabet && n >= base64Chunk && digits + signs >= 2 && upper * 10 >= n && lower * 10 >= n
        // Byte groups ("4f", "3a2b", "0000010:", "0x1f"), as hexdump, xxd and debuggers print them.
        var body = Array(s[lo..<hi])
        if body.last == ":" { body.removeLast() }
        if body.count > 2, body[0] == "0", body[1] == "x" || body[1] == "X" { body.removeFirst(2) }
        let groupIsHex = !body.isEmpty && body.allSatisfy { x in
            let v = x.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 70) || (v >= 97 && v <= 102)
        }
        c.hex = groupIsHex && body.count >= 2 && body.count <= 8
        c.hexDigit = c.hex && body.contains { $0.value >= 48 && $0.value <= 57 }
        c.hexBlob = hexOnly && hexCount >= hexBlob && digits > 0
        // Broken characters (controls, U+FFFD, unassigned), or a soup of symbols with few letters.
        c.junk = broken > 0 || (n >= 4 && letters * 10 < n * 4 && others.count >= 3)
        return c
    }

    /// Base64 zones: long base64 pieces and the shorter ones around them (a block's last line).
    static func base64Zones(_ chunks: [Chunk]) -> [NonLanguageZone] {
        var zones: [NonLanguageZone] = []
        var i = 0
        while i < chunks.count {
            guard chunks[i].base64 else { i += 1; continue }
            var lo = i, hi = i
            while lo > 0, chunks[lo - 1].base64 || chunks[lo - 1].base64Tail { lo -= 1 }
            while hi + 1 < chunks.count, chunks[hi + 1].base64 || chunks[hi + 1].base64Tail { hi += 1 }
            zones.append(NonLanguageZone(kind: .base64, span: Span(start: chunks[lo].lo, end: chunks[hi].hi)))
            i = hi + 1
        }
        return zones
    }

    /// Maximal runs of `member` chunks (as index ranges), allowing up to `gap` other chunks between
    /// two members, that `accept` takes.
    static func runs(_ chunks: [Chunk], member: (Chunk) -> Bool, gap: Int, accept: (ArraySlice<Chunk>) -> Bool) -> [ClosedRange<Int>] {
        var found: [ClosedRange<Int>] = []
        var i = 0
        while i < chunks.count {
            guard member(chunks[i]) else { i += 1; continue }
            var last = i, j = i + 1
            while j < chunks.count, j - last <= gap + 1 {
                if member(chunks[j]) { last = j }
                j += 1
            }
            if accept(chunks[i...last]) { found.append(i...last) }
            i = last + 1
        }
        return found
    }

    /// What a dictionary made of one word, for finding runs of non-words.
    public enum WordStatus: Sendable { case known, unknown, neutral }

    /// Index ranges of `words` that are runs of non-words: at least `nonWordRun` unknown words,
    /// most of the run, with never two known words together. Neutral words (too short to tell,
    /// taken as names) neither extend nor break a run.
    public static func nonWordRuns(_ words: [WordStatus]) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        var first: Int? = nil, last = 0, unknown = 0, known = 0
        var previousKnown = false
        func close() {
            if let f = first, unknown >= nonWordRun, unknown * 10 >= (unknown + known) * 6 { result.append(f...last) }
            first = nil; unknown = 0; known = 0
        }
        for (i, w) in words.enumerated() {
            switch w {
            case .neutral: continue
            case .known:
                if previousKnown { close() } else if first != nil { known += 1 }
                previousKnown = true
            case .unknown:
                if first == nil { first = i; known = 0 }
                last = i; unknown += 1
                previousKnown = false
            }
        }
        close()
        return result
    }
}
