import Foundation
import ReplyQACore

/// A run of lines the agent wrote, with where it sits in the body.
public struct Fragment: Sendable, Equatable {
    /// Body line range of the fragment, signature included.
    public var lines: Range<Int>
    /// The lines that are authored text (the signature, if any, follows them).
    public var authoredLines: Range<Int>
}

/// A reply body split into what the agent wrote now, the signature, the footer and the history.
public struct Segments: Sendable, Equatable {
    /// The authored text: fragments joined by a blank line, without signature or footer.
    public var authored: String
    /// Authored text plus signature: everything that is not quoted history or a footer.
    public var newText: String
    public var fragments: [Fragment]
    public var signature: String?
    public var footer: String?
    /// The attribution or header block that introduces the quoted history.
    public var quoteHeader: String?
    /// The quoted history as it appears in the body.
    public var quoted: String?
    /// The most recent quoted message, unquoted, without its own history and signature: for a
    /// reply, this is usually the customer's question.
    public var quotedMessage: String?
    /// Index into the body lines of each authored line (for mapping offsets back to the body).
    public var authoredLineMap: [Int]
}

/// Splits a reply body into authored text, quoted history, signature and footer.
///
/// The body is processed line by line with bounded look-ahead, so the cost is linear in its size.
/// The lines that mark history, signatures and footers are data (`Dictionaries/segmentation/markers.yml`).
public struct Segmenter: Sendable {
    public let markers: Markers

    public init(markers: Markers) { self.markers = markers }

    /// The segmenter of the dictionaries folder (read once per folder).
    public static func load(locator: DictionaryLocator) throws -> Segmenter {
        try SegmenterCache.shared.segmenter(for: locator)
    }

    /// The segmenter of the built-in `Dictionaries/` folder, for callers with no configuration.
    public static let standard: Segmenter = {
        do { return try load(locator: DictionaryLocator(config: Configuration())) }
        catch { preconditionFailure("ReplyQA's own segmentation markers cannot be read: \(error)") }
    }()

    /// Segments with the built-in markers.
    public static func segment(_ body: String, quoteStartLine: Int? = nil) -> Segments {
        standard.segment(body, quoteStartLine: quoteStartLine)
    }

    public func segment(_ body: String, quoteStartLine: Int? = nil) -> Segments {
        segment(body, quoteStartLine: quoteStartLine, depth: 0)
    }

    enum Kind: Equatable { case authored, quote }

    /// The segmentation passes, in order: find the quoted history, cut the rest into authored
    /// fragments, take footers and the signature off them, then assemble the texts.
    func segment(_ body: String, quoteStartLine: Int?, depth: Int) -> Segments {
        let normalized = body.contains("\r") ? body.replacingOccurrences(of: "\r\n", with: "\n") : body
        let body = BodyLines(normalized.split(separator: "\n", omittingEmptySubsequences: false))
        let quotes = scanQuotes(body, quoteStartLine: quoteStartLine)
        let (unsigned, footerLines) = takeFooters(body, fragments(body, kinds: quotes.kinds))
        let (fragments, signature) = takeSignature(body, unsigned)
        return assemble(body, quotes: quotes, fragments: fragments, footerLines: footerLines, signature: signature, depth: depth)
    }

    /// A body's lines, with the questions every pass asks of them.
    struct BodyLines {
        let lines: [Substring]
        init(_ lines: [Substring]) { self.lines = lines }
        var count: Int { lines.count }
        func blank(_ i: Int) -> Bool { lines[i].allSatisfy { $0 == " " || $0 == "\t" } }
        func isQuoted(_ i: Int) -> Bool { lines[i].drop(while: { $0 == " " }).first == ">" }
        func nextNonBlank(_ i: Int) -> Int? {
            var j = i
            while j < lines.count, blank(j) { j += 1 }
            return j < lines.count ? j : nil
        }
        /// The range without its leading and trailing blank lines.
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lo = range.lowerBound, hi = range.upperBound
            while lo < hi, blank(lo) { lo += 1 }
            while hi > lo, blank(hi - 1) { hi -= 1 }
            return lo..<hi
        }
        func text(_ range: Range<Int>) -> String { lines[range].joined(separator: "\n") }
    }

    /// Which lines are quoted history, where the history starts and the header that introduces it.
    struct QuoteScan {
        var kinds: [Kind]
        var firstQuote: Int? = nil
        var quoteHeader: String? = nil

        mutating func note(_ range: Range<Int>, header: Bool, in body: BodyLines) {
            guard firstQuote == nil else { return }
            firstQuote = range.lowerBound
            if header { quoteHeader = body.text(range) }
        }
        mutating func markRest(_ i: Int) { for j in i..<kinds.count { kinds[j] = .quote } }
    }

    /// Pass 1: reads down the body until the quoted history starts; `>` blocks and "On ... wrote:"
    /// lines above it are quotes too.
    func scanQuotes(_ body: BodyLines, quoteStartLine: Int?) -> QuoteScan {
        let lines = body.lines
        var scan = QuoteScan(kinds: [Kind](repeating: .authored, count: lines.count))
        var i = 0
        while i < lines.count {
            if let hint = quoteStartLine, i >= hint {
                // A mail client's quote container: look back for its attribution line just above.
                var start = i
                if let h = headerAbove(lines, i) { start = h }
                scan.note(start..<(max(start + 1, i)), header: start < i, in: body)
                scan.markRest(start)
                break
            }
            if body.blank(i) { i += 1; continue }
            let line = lines[i]
            if markers.originalMessage.matches(line) {
                scan.note(i..<i + 1, header: true, in: body); scan.markRest(i); break
            }
            if let end = headerBlock(lines, at: i) {
                scan.note(i..<end, header: true, in: body); scan.markRest(i); break
            }
            if markers.separator.matches(line), let next = body.nextNonBlank(i + 1), let end = headerBlock(lines, at: next) {
                scan.note(next..<end, header: true, in: body)
                scan.firstQuote = min(scan.firstQuote ?? i, i)
                scan.markRest(i); break
            }
            if let end = attribution(lines, at: i) {
                // "On ... wrote:" followed by ">" lines quotes just those; followed by plain text
                // (a client that does not prefix), everything after it is history.
                scan.note(i..<end, header: true, in: body)
                for j in i..<end { scan.kinds[j] = .quote }
                if let next = body.nextNonBlank(end), body.isQuoted(next) {
                    i = end
                    continue
                }
                scan.markRest(i); break
            }
            if body.isQuoted(i) {
                scan.note(i..<i + 1, header: false, in: body)
                // A quoted block, with the blank lines inside it.
                var j = i
                while j < lines.count, body.isQuoted(j) || (body.blank(j) && (body.nextNonBlank(j).map(body.isQuoted) ?? false)) {
                    scan.kinds[j] = .quote; j += 1
                }
                i = j
                continue
            }
            i += 1
        }
        return scan
    }

    /// Pass 2: maximal runs of authored lines, trimmed of blank lines.
    func fragments(_ body: BodyLines, kinds: [Kind]) -> [Fragment] {
        var fragments: [Fragment] = []
        var start: Int? = nil
        for j in 0...body.count {
            let authored = j < body.count && kinds[j] == .authored
            if authored, start == nil { start = j }
            if !authored, let s = start {
                let range = body.trimmed(s..<j)
                if !range.isEmpty { fragments.append(Fragment(lines: range, authoredLines: range)) }
                start = nil
            }
        }
        return fragments
    }

    /// Pass 3: footers (disclaimers, list trailers) can end any fragment; a fragment that is all
    /// footer is dropped from the authored text.
    func takeFooters(_ body: BodyLines, _ fragments: [Fragment]) -> ([Fragment], [Range<Int>]) {
        var footerLines: [Range<Int>] = []
        let kept = fragments.compactMap { fragment -> Fragment? in
            guard let f = footerStart(body.lines, fragment.lines) else { return fragment }
            footerLines.append(f..<fragment.lines.upperBound)
            var hi = f
            while hi > fragment.lines.lowerBound, body.blank(hi - 1) { hi -= 1 }
            return hi > fragment.lines.lowerBound
                ? Fragment(lines: fragment.lines.lowerBound..<hi, authoredLines: fragment.lines.lowerBound..<hi) : nil
        }
        return (kept, footerLines)
    }

    /// Pass 4: the signature closes the last fragment.
    func takeSignature(_ body: BodyLines, _ fragments: [Fragment]) -> ([Fragment], String?) {
        guard var last = fragments.last, let s = signatureStart(body.lines, last.lines) else { return (fragments, nil) }
        var fragments = fragments
        var hi = s
        while hi > last.lines.lowerBound, body.blank(hi - 1) { hi -= 1 }
        let signature = body.text(s..<last.lines.upperBound)
        last.authoredLines = last.lines.lowerBound..<hi
        fragments[fragments.count - 1] = last
        if hi == last.lines.lowerBound && fragments.count > 1 {
            // A fragment that is only a signature (under a bottom-posted reply).
            fragments[fragments.count - 1].authoredLines = hi..<hi
        }
        return (fragments, signature)
    }

    /// Pass 5: the texts of the segments, and where each authored line came from.
    func assemble(_ body: BodyLines, quotes: QuoteScan, fragments: [Fragment], footerLines: [Range<Int>],
                         signature: String?, depth: Int) -> Segments {
        var authoredParts: [String] = []
        var lineMap: [Int] = []
        for fragment in fragments where !fragment.authoredLines.isEmpty {
            if !lineMap.isEmpty { lineMap.append(-1) }  // the blank line that joins fragments
            authoredParts.append(body.text(fragment.authoredLines))
            lineMap.append(contentsOf: fragment.authoredLines)
        }
        let quoted = quotes.firstQuote.map { body.text($0..<body.count) }
        let quotedMessage = depth == 0 ? quotes.firstQuote.flatMap { extractQuotedMessage(body.lines, from: $0, kinds: quotes.kinds) } : nil
        let footer = footerLines.isEmpty ? nil : footerLines.map(body.text).joined(separator: "\n\n")
        // Without a signature the new text is the authored text: share it rather than copy it.
        let authored = authoredParts.count == 1 ? authoredParts[0] : authoredParts.joined(separator: "\n\n")
        let unsigned = fragments.allSatisfy { $0.lines == $0.authoredLines }
        return Segments(authored: authored,
                        newText: unsigned ? authored : fragments.map { body.text($0.lines) }.joined(separator: "\n\n"),
                        fragments: fragments, signature: signature, footer: footer,
                        quoteHeader: quotes.quoteHeader, quoted: quoted, quotedMessage: quotedMessage,
                        authoredLineMap: lineMap)
    }

    // MARK: - Quote headers

    /// An Outlook-style header block starting at `i`: at least two header fields, one of them
    /// From, within the next six lines. Returns the line after the block.
    func headerBlock(_ lines: [Substring], at i: Int) -> Int? {
        guard markers.headerField.matches(lines[i]) else { return nil }
        var fields = 0, hasFrom = false, j = i, end = i
        var gap = 0
        while j < lines.count, j < i + 8 {
            let line = lines[j]
            if markers.headerField.matches(line) {
                fields += 1; end = j + 1; gap = 0
                if markers.fromField.matches(line) { hasFrom = true }
            } else if line.trimmingCharacters(in: .whitespaces).isEmpty {
                break
            } else {
                gap += 1  // a wrapped header value
                if gap > 1 { break }
            }
            j += 1
        }
        return fields >= 2 && hasFrom ? end : nil
    }

    /// An attribution ("On ... wrote:", "<date> <name> <address>:") starting at `i`, directly
    /// followed by quoted lines or wrapped over up to four lines. Returns the line after it.
    func attribution(_ lines: [Substring], at i: Int) -> Int? {
        let line = lines[i]
        if markers.onWroteStart.matches(line) || markers.wroteEnd.matches(line) {
            for j in i..<min(lines.count, i + 4) {
                if j > i, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { break }
                if markers.wroteEnd.matches(lines[j]) { return j + 1 }
            }
        }
        // A date or address line ending in ":" counts only when quoted lines follow it.
        if markers.attributionLine.matches(line) {
            var j = i + 1
            while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
            if j < lines.count, lines[j].drop(while: { $0 == " " }).first == ">" { return i + 1 }
        }
        return nil
    }

    /// For a mail client's quote container at `i`: an attribution line within the two lines above.
    func headerAbove(_ lines: [Substring], _ i: Int) -> Int? {
        var j = i - 1
        while j >= 0, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j -= 1 }
        guard j >= 0 else { return nil }
        for k in stride(from: j, through: max(0, j - 3), by: -1) {
            if let end = attribution(lines, at: k), end > j { return k }
            if markers.wroteEnd.matches(lines[j]) || markers.attributionLine.matches(lines[j]) {
                if markers.onWroteStart.matches(lines[k]) { return k }
            }
        }
        if markers.attributionLine.matches(lines[j]) || markers.wroteEnd.matches(lines[j]) { return j }
        if markers.separator.matches(lines[j]) { return j }
        return nil
    }

    // MARK: - Footers and signatures

    /// The first line of the paragraph where a footer begins, if the fragment ends in one.
    func footerStart(_ lines: [Substring], _ range: Range<Int>) -> Int? {
        for i in range where markers.footerStart.matches(lines[i]) {
            // Back up to the paragraph start, and over a separator line just above it.
            var p = i
            while p > range.lowerBound, !lines[p - 1].trimmingCharacters(in: .whitespaces).isEmpty { p -= 1 }
            var q = p - 1
            while q >= range.lowerBound, lines[q].trimmingCharacters(in: .whitespaces).isEmpty { q -= 1 }
            if q >= range.lowerBound, markers.separator.matches(lines[q]) { p = q }
            return p
        }
        return nil
    }

    /// Where the signature of a fragment starts, if it has one.
    func signatureStart(_ lines: [Substring], _ range: Range<Int>) -> Int? {
        let nonBlank = range.filter { !lines[$0].trimmingCharacters(in: .whitespaces).isEmpty }
        // "-- " delimiter: everything below it.
        if let d = nonBlank.first(where: { markers.signatureDelimiter.matches(lines[$0]) }) { return d }
        let tail = nonBlank.suffix(8)
        // "Sent from my iPhone" near the end.
        if let m = nonBlank.suffix(3).first(where: { markers.mobileSignature.matches(lines[$0]) }) { return m }
        // "-Abhishek Kona" as one of the last lines.
        // (A list item "- Another Item" under other items is not a signature.)
        for (k, d) in nonBlank.enumerated().suffix(3) where k > 0 && markers.dashName.matches(lines[d]) {
            let previous = lines[nonBlank[k - 1]].drop(while: { $0 == " " })
            if !(previous.hasPrefix("-") || previous.hasPrefix("*") || previous.hasPrefix("•")) { return d }
        }
        // "Best regards," then a short name/title/contact block: the close stays authored.
        for s in tail where markers.signOff.matches(lines[s]) {
            let after = nonBlank.filter { $0 > s }
            guard !after.isEmpty, after.count <= 7 else { continue }
            if after.allSatisfy({ looksLikeSignatureLine(lines[$0]) }) { return after[0] }
        }
        return nil
    }

    /// Name, title, company, phone, address or URL lines: short, and not a sentence.
    func looksLikeSignatureLine(_ line: Substring) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.count > 80 { return false }
        if t.hasSuffix("?") { return false }
        let words = t.split(separator: " ")
        // Sentences end in a period after several words; contact lines rarely do.
        if t.hasSuffix(".") && words.count > 5 { return false }
        return words.count <= 10
    }

    // MARK: - The quoted message

    /// The most recent message in the quoted history, unquoted and cut at its own history.
    func extractQuotedMessage(_ lines: [Substring], from start: Int, kinds: [Kind]) -> String? {
        var body: [Substring] = []
        var i = start
        // Skip the header block or attribution.
        if let end = headerBlock(lines, at: i) { i = end }
        else if markers.separator.matches(lines[i]) || markers.originalMessage.matches(lines[i]) {
            i += 1
            while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 }
            if i < lines.count, let end = headerBlock(lines, at: i) { i = end }
        } else if let end = attribution(lines, at: i) { i = end }
        else if i < lines.count, !lines[i].drop(while: { $0 == " " }).hasPrefix(">") {
            // A client quote container: its own attribution may come first.
            if let end = attribution(lines, at: i) { i = end }
        }
        let quotedStyle = lines[i..<lines.count].first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
            .map { $0.drop(while: { $0 == " " }).first == ">" } ?? false
        while i < lines.count {
            var line = lines[i]
            if quotedStyle {
                let trimmed = line.drop(while: { $0 == " " })
                if trimmed.first == ">" {
                    line = trimmed.dropFirst()
                    if line.first == " " { line = line.dropFirst() }
                } else if !trimmed.isEmpty, kinds[i] == .authored {
                    // Interleaved reply text: the quoted message continues below, but this is not part of it.
                    i += 1; continue
                }
            }
            body.append(line)
            i += 1
        }
        // Interleaved replies leave gaps: keep at most one blank line between quoted paragraphs.
        var compact: [Substring] = []
        for line in body where !(line.trimmingCharacters(in: .whitespaces).isEmpty
            && (compact.last?.trimmingCharacters(in: .whitespaces).isEmpty ?? true)) {
            compact.append(line)
        }
        let text = compact.map(String.init).joined(separator: "\n")
        let inner = segment(text, quoteStartLine: nil, depth: 1)
        let result = inner.authored.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? nil : result
    }
}

/// Segmenters by dictionaries folder: a service or a batch compiles the markers once.
final class SegmenterCache: @unchecked Sendable {
    static let shared = SegmenterCache()
    private let lock = NSLock()
    private var loaded: [String: Segmenter] = [:]

    func segmenter(for locator: DictionaryLocator) throws -> Segmenter {
        let key = locator.root?.path ?? ""
        lock.lock()
        defer { lock.unlock() }
        if let s = loaded[key] { return s }
        let s = Segmenter(markers: try Markers.load(locator: locator))
        loaded[key] = s
        return s
    }
}
