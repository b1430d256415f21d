import Foundation

/// BERT's uncased WordPiece tokenizer, as Hugging Face `tokenizers` runs it for all-MiniLM-L6-v2:
/// special tokens matched in the raw text, then clean-up, CJK splitting, accent stripping and lower
/// casing, words split at whitespace and punctuation, greedy longest-match-first word pieces.
public struct WordPieceTokenizer: Sendable {
    /// Longest encoding, `[CLS]` and `[SEP]` included (sentence-transformers' `max_seq_length`).
    public let maxLength: Int
    public let clsID: Int32
    public let sepID: Int32
    public let unknownID: Int32
    /// Number of entries in the vocabulary.
    public let vocabularySize: Int

    private let lowercase: Bool
    private let stripAccents: Bool
    private let cleanText: Bool
    private let splitChinese: Bool
    private let maxCharactersPerWord: Int
    private let vocabulary: VocabularyTrie
    /// Added tokens (`[CLS]`, `[SEP]`, `[UNK]`, ...), matched as written before any normalisation.
    private let addedTokens: [(scalars: [UInt32], id: Int32)]
    private let addedTokenStarts: Set<UInt32>

    /// Reads `vocab.txt` (one token per line, the line number is its id) and the normaliser and
    /// WordPiece settings of `tokenizer.json` when present (BERT uncased defaults otherwise).
    public init(modelDirectory: URL, maxLength: Int = 256) throws {
        let vocabURL = modelDirectory.appendingPathComponent("vocab.txt")
        guard let vocabData = FileManager.default.contents(atPath: vocabURL.path) else {
            throw SemanticError.unreadable(vocabURL.path, "no such file")
        }
        // Tokens are kept as scalar sequences: Swift's String equality would merge canonically
        // equivalent tokens that the reference tokenizer tells apart.
        var tokens: [[UInt32]] = []
        for line in vocabData.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var bytes = Array(line)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            tokens.append(String(decoding: bytes, as: UTF8.self).unicodeScalars.map(\.value))
        }
        if tokens.last?.isEmpty == true { tokens.removeLast() }

        var settings: [String: Any] = [:]
        let jsonURL = modelDirectory.appendingPathComponent("tokenizer.json")
        if let data = FileManager.default.contents(atPath: jsonURL.path) {
            guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw SemanticError.invalidModel(jsonURL.path, "not a JSON object")
            }
            settings = json
        }
        let normalizer = settings["normalizer"] as? [String: Any] ?? [:]
        if let type = normalizer["type"] as? String, type != "BertNormalizer" {
            throw SemanticError.invalidModel(jsonURL.path, "normalizer \(type) is not BertNormalizer")
        }
        let model = settings["model"] as? [String: Any] ?? [:]
        if let type = model["type"] as? String, type != "WordPiece" {
            throw SemanticError.invalidModel(jsonURL.path, "model \(type) is not WordPiece")
        }
        lowercase = normalizer["lowercase"] as? Bool ?? true
        // `strip_accents: null` means: strip them when lower-casing.
        stripAccents = normalizer["strip_accents"] as? Bool ?? lowercase
        cleanText = normalizer["clean_text"] as? Bool ?? true
        splitChinese = normalizer["handle_chinese_chars"] as? Bool ?? true
        maxCharactersPerWord = model["max_input_chars_per_word"] as? Int ?? 100
        let prefix = (model["continuing_subword_prefix"] as? String ?? "##").unicodeScalars.map(\.value)

        vocabulary = VocabularyTrie(tokens: tokens, continuationPrefix: prefix)
        vocabularySize = tokens.count
        var index: [[UInt32]: Int32] = [:]
        for (id, token) in tokens.enumerated() where index[token] == nil { index[token] = Int32(id) }
        func id(_ token: String) throws -> Int32 {
            guard let id = index[token.unicodeScalars.map(\.value)] else {
                throw SemanticError.invalidModel(vocabURL.path, "no \(token) token")
            }
            return id
        }
        clsID = try id("[CLS]")
        sepID = try id("[SEP]")
        unknownID = try id(model["unk_token"] as? String ?? "[UNK]")
        var added: [(scalars: [UInt32], id: Int32)] = []
        for entry in settings["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = entry["content"] as? String, let tokenID = entry["id"] as? Int, !content.isEmpty else { continue }
            added.append((content.unicodeScalars.map(\.value), Int32(tokenID)))
        }
        if settings["added_tokens"] == nil {
            for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { added.append((token.unicodeScalars.map(\.value), try id(token))) }
        }
        // Longest first, so the first match at a position is the leftmost-longest one.
        addedTokens = added.sorted { $0.scalars.count > $1.scalars.count }
        addedTokenStarts = Set(added.compactMap(\.scalars.first))
        self.maxLength = maxLength
    }

    /// The model's input ids: `[CLS]`, the text's word pieces cut to fit `maxLength`, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        [clsID] + tokenIDs(text, limit: max(0, maxLength - 2)) + [sepID]
    }

    /// The word-piece ids of `text` without special tokens, at most `limit` of them.
    public func tokenIDs(_ text: String, limit: Int = .max) -> [Int32] {
        var ids: [Int32] = []
        // The text is read in pieces cut at ASCII whitespace, which ends a word and is in no added
        // token, so a long reply costs only the pieces that fill `limit`.
        var chunk: [UInt32] = []
        chunk.reserveCapacity(min(text.utf8.count, Self.chunkLength + 64))
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if chunk.count >= Self.chunkLength, v == 0x20 || v == 0x0A || v == 0x09 || v == 0x0D {
                appendTokens(of: chunk, to: &ids, limit: limit)
                if ids.count >= limit { return ids }
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(v)
        }
        appendTokens(of: chunk, to: &ids, limit: limit)
        return ids
    }

    private static let chunkLength = 4096

    private func appendTokens(of scalars: [UInt32], to ids: inout [Int32], limit: Int) {
        var segmentStart = 0
        var i = 0
        // Added tokens split the raw text first; the pieces between them are tokenized on their own.
        while i < scalars.count, ids.count < limit {
            if let (length, id) = addedToken(at: i, in: scalars) {
                appendWordPieces(of: scalars[segmentStart..<i], to: &ids, limit: limit)
                if ids.count < limit { ids.append(id) }
                i += length
                segmentStart = i
            } else {
                i += 1
            }
        }
        if ids.count < limit, segmentStart < scalars.count {
            appendWordPieces(of: scalars[segmentStart..<scalars.count], to: &ids, limit: limit)
        }
    }

    private func addedToken(at i: Int, in scalars: [UInt32]) -> (length: Int, id: Int32)? {
        guard addedTokenStarts.contains(scalars[i]) else { return nil }
        for token in addedTokens where token.scalars.count <= scalars.count - i {
            if scalars[i..<(i + token.scalars.count)].elementsEqual(token.scalars) { return (token.scalars.count, token.id) }
        }
        return nil
    }

    private func appendWordPieces(of segment: ArraySlice<UInt32>, to ids: inout [Int32], limit: Int) {
        guard !segment.isEmpty else { return }
        let text = normalize(segment)
        var start = -1
        func flush(_ end: Int) {
            if start >= 0 { wordPieces(text[start..<end], into: &ids, limit: limit); start = -1 }
        }
        for (i, v) in text.enumerated() {
            if ids.count >= limit { return }
            if Self.isSpace(v) {
                flush(i)
            } else if Self.isPunctuation(v) {
                flush(i)
                wordPieces(text[i...i], into: &ids, limit: limit)
            } else if start < 0 {
                start = i
            }
        }
        flush(text.count)
    }

    /// BertNormalizer: drop controls and map whitespace to spaces, space out CJK ideographs,
    /// NFD without nonspacing marks, then lower case (each scalar on its own, as Rust's `to_lowercase`).
    func normalize(_ segment: ArraySlice<UInt32>) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(segment.count + 8)
        var ascii = true
        for v in segment {
            if cleanText {
                if v < 0x80 {
                    if v == 0x09 || v == 0x0A || v == 0x0D { out.append(0x20); continue }
                    if v < 0x20 || v == 0x7F { continue }
                } else {
                    if BertCharacterClass.removed.contains(v) { continue }
                    if BertCharacterClass.whitespace.contains(v) { out.append(0x20); continue }
                }
            }
            if v >= 0x80 { ascii = false }
            if splitChinese && Self.isChineseCharacter(v) {
                out.append(contentsOf: [0x20, v, 0x20])
            } else {
                out.append(v)
            }
        }
        if ascii {
            if lowercase { for i in out.indices where out[i] >= 0x41 && out[i] <= 0x5A { out[i] += 0x20 } }
            return out
        }
        if stripAccents {
            var stripped: [UInt32] = []
            stripped.reserveCapacity(out.count)
            // The reference's normalisation tables predate U+11938's decomposition; it is a starter,
            // so the text can be decomposed on either side of it independently.
            for (n, run) in out.split(separator: 0x11938, omittingEmptySubsequences: false).enumerated() {
                if n > 0 { stripped.append(0x11938) }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: run.compactMap(Unicode.Scalar.init))
                stripped += String(view).decomposedStringWithCanonicalMapping.unicodeScalars
                    .map(\.value).filter { !BertCharacterClass.nonspacingMark.contains($0) }
            }
            out = stripped
        }
        guard lowercase else { return out }
        var lowered: [UInt32] = []
        lowered.reserveCapacity(out.count)
        for v in out {
            if v < 0x80 {
                lowered.append(v >= 0x41 && v <= 0x5A ? v + 0x20 : v)
            } else if let scalar = Unicode.Scalar(v) {
                lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars.map(\.value))
            }
        }
        return lowered
    }

    /// Greedy longest-match-first word pieces of one word; a word with no full cover, or longer than
    /// `max_input_chars_per_word`, is one `[UNK]`.
    private func wordPieces(_ word: ArraySlice<UInt32>, into ids: inout [Int32], limit: Int) {
        guard word.count <= maxCharactersPerWord else { ids.append(unknownID); return }
        var pieces: [Int32] = []
        var start = word.startIndex
        while start < word.endIndex {
            guard let (end, id) = vocabulary.longestMatch(word, from: start, continuation: start != word.startIndex) else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces.prefix(limit - ids.count))
    }

    /// Rust's `char::is_whitespace`, which the pre-tokenizer splits on.
    static func isSpace(_ v: UInt32) -> Bool {
        v == 0x20 || (v >= 0x09 && v <= 0x0D) || v == 0x85 || (v >= 0xA0 && BertCharacterClass.whitespace.contains(v))
    }

    static func isPunctuation(_ v: UInt32) -> Bool {
        if v < 0x80 {
            return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60) || (v >= 0x7B && v <= 0x7E)
        }
        return BertCharacterClass.punctuation.contains(v)
    }

    /// The CJK ideograph blocks BERT puts spaces around (not Hangul, kana or CJK punctuation).
    static func isChineseCharacter(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B920...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}

/// The vocabulary as a trie over scalars, with a second root for the pieces that continue a word
/// (the `##` entries), so the longest match is one walk instead of a lookup per candidate length.
struct VocabularyTrie: Sendable {
    private var children: [UInt64: Int32] = [:]
    private var tokenIDs: [Int32] = [-1, -1]
    private static let wordRoot: Int32 = 0
    private static let continuationRoot: Int32 = 1

    init(tokens: [[UInt32]], continuationPrefix: [UInt32]) {
        for (id, token) in tokens.enumerated() {
            insert(token[...], id: Int32(id), root: Self.wordRoot)
            if token.count > continuationPrefix.count, token.starts(with: continuationPrefix) {
                insert(token[continuationPrefix.count...], id: Int32(id), root: Self.continuationRoot)
            }
        }
    }

    private mutating func insert(_ token: ArraySlice<UInt32>, id: Int32, root: Int32) {
        var node = root
        for v in token {
            let key = UInt64(UInt32(node)) << 32 | UInt64(v)
            if let next = children[key] {
                node = next
            } else {
                let next = Int32(tokenIDs.count)
                tokenIDs.append(-1)
                children[key] = next
                node = next
            }
        }
        // BERT vocabularies hold each entry once; were one repeated, its first id is kept.
        if tokenIDs[Int(node)] < 0 { tokenIDs[Int(node)] = id }
    }

    /// The end and id of the longest vocabulary entry that `word[start...]` begins with.
    func longestMatch(_ word: ArraySlice<UInt32>, from start: Int, continuation: Bool) -> (end: Int, id: Int32)? {
        var node = continuation ? Self.continuationRoot : Self.wordRoot
        var best: (end: Int, id: Int32)?
        var i = start
        while i < word.endIndex, let next = children[UInt64(UInt32(node)) << 32 | UInt64(word[i])] {
            node = next
            i += 1
            if tokenIDs[Int(node)] >= 0 { best = (i, tokenIDs[Int(node)]) }
        }
        return best
    }
}
