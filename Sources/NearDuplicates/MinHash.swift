import ReplyQACore
import TextAnalysis

/// Turns a reply into the words that make it a template: names, numbers, links, addresses,
/// greeting and sign-off lines are taken out, so two sends of one macro look the same.
public struct TemplateNormalizer: Sendable {
    let tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: false))
    /// The greetings of `common/<lang>.yml`, each as its lower-cased words ("good morning": two).
    let greetings: [[String]]
    static let closings: Set<String> = ["thanks", "thank", "best", "regards", "cheers", "sincerely", "kind", "warm", "warmest", "many",
                                        "all", "take", "talk"]

    /// Takes out first lines that open with one of `common`'s greetings.
    public init(common: CommonLexicon) {
        greetings = common.greetings.map { $0.lowercased().split(separator: " ").map(String.init) }.filter { !$0.isEmpty }
    }

    /// With the greetings of the English common word list of the dictionaries in use.
    public init(locator: DictionaryLocator) throws {
        self.init(common: try CommonLexicon.load(language: "en", locator: locator))
    }

    /// Lower-cased words with placeholders; `names` (lower-cased) are dropped.
    ///
    /// Only the start of a long text is read (`ReadLimit`): a macro is a few hundred words, so a
    /// reply far longer is no send of one, and shingling all of it would cost memory in its size.
    public func words(_ text: String, names: Set<String> = []) -> [String] {
        var lines = ReadLimit.prefix(of: text).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if let first = lines.first, first.count < 60, opensWithGreeting(first) { lines.removeFirst() }
        if let last = lines.last, let w = last.split(separator: " ").first?.lowercased().trimmingCharacters(in: .punctuationCharacters),
           Self.closings.contains(w), last.count < 40 { lines.removeLast() }
        var out: [String] = []
        for t in tokenizer.tokenize(lines.joined(separator: "\n")) {
            switch t.kind {
            case .word:
                let w = t.normalized
                if !names.contains(w) { out.append(w) }
            case .number: out.append("#")
            case .skipped(let kind): out.append("<\(kind.rawValue)>")
            case .punctuation: break
            }
        }
        return out
    }

    /// Whether the line's first words are one of the greetings ("Hi Linda,", "Good morning!").
    func opensWithGreeting(_ line: String) -> Bool {
        let words = line.split(separator: " ").prefix(greetings.map(\.count).max() ?? 0)
            .map { $0.lowercased().trimmingCharacters(in: .punctuationCharacters) }
        return greetings.contains { words.starts(with: $0) }
    }
}

/// MinHash signatures of word 3-gram shingles: similar texts share many signature values.
public struct MinHasher: Sendable {
    public let size: Int
    let seeds: [UInt64]

    public init(size: Int = 64) {
        self.size = size
        var s: UInt64 = 0x9E3779B97F4A7C15
        seeds = (0..<size).map { _ in s = Self.mix(s); return s }
    }

    static func mix(_ x: UInt64) -> UInt64 {
        // splitmix64 finalizer: a cheap, well-spread hash.
        var z = x &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    static func fnv(_ s: String) -> UInt64 { StableHash.of(s) }

    /// Hashes of the word 3-grams (or of the words, for texts under three words).
    public static func shingles(_ words: [String]) -> Set<UInt64> {
        if words.count < 3 { return Set(words.map(fnv)) }
        var set = Set<UInt64>()
        set.reserveCapacity(words.count)
        for i in 0..<(words.count - 2) { set.insert(fnv(words[i] + " " + words[i + 1] + " " + words[i + 2])) }
        return set
    }

    public func signature(_ shingles: Set<UInt64>) -> [UInt32] {
        guard !shingles.isEmpty else { return [] }
        var mins = [UInt64](repeating: .max, count: size)
        for s in shingles {
            for i in 0..<size {
                let h = Self.mix(s ^ seeds[i])
                if h < mins[i] { mins[i] = h }
            }
        }
        return mins.map { UInt32(truncatingIfNeeded: $0 >> 32) }
    }

    /// Share of equal signature values: an estimate of the Jaccard similarity of the shingle sets.
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var same = 0
        for i in 0..<a.count where a[i] == b[i] { same += 1 }
        return Double(same) / Double(a.count)
    }
}
