import Foundation
import ReplyQACore
import TextAnalysis

/// A rule set loaded from `Dictionaries/grammar/<lang>.yml` and its lexicon.
public struct RuleSet: Sendable {
    public var language: String
    public var rules: [GrammarRule]
    public var lexicon: Lexicon

    /// Loads `grammar/<lang>.yml` and `grammar/<lang>-lexicon.yml` from the dictionaries folder.
    public static func load(language: String, locator: DictionaryLocator) throws -> RuleSet {
        guard let rulesURL = locator.file("grammar/\(language).yml") else {
            throw DataFileError(
                description: "no grammar rules for \(language): expected \(locator.root?.path ?? "Dictionaries")/grammar/\(language).yml")
        }
        let lexiconURL = locator.file("grammar/\(language)-lexicon.yml")
        let cache = RuleCache(files: [rulesURL] + (lexiconURL.map { [$0] } ?? []), language: language)
        if let cached = cache.read() {
            return RuleSet(language: language, rules: cached.rules, lexicon: Lexicon(classes: cached.classes.mapValues(Set.init)))
        }
        let lexicon = try lexiconURL.map(Lexicon.load) ?? Lexicon(classes: [:])
        let rules = try DataFile.decode([GrammarRule].self, from: String(contentsOf: rulesURL, encoding: .utf8),
                                            file: rulesURL.lastPathComponent)
        var seen = Set<String>()
        for r in rules {
            guard seen.insert(r.id).inserted else { throw DataFileError(
                description: "\(rulesURL.lastPathComponent): rule id \(r.id) is used twice") }
            for c in r.pattern.flatMap(Self.classes) where !["vowel-sound", "consonant-sound"].contains(c) && lexicon.classes[c] == nil {
                throw DataFileError(description: "\(rulesURL.lastPathComponent): rule \(r.id) uses unknown word class \(c)")
            }
        }
        cache.write(RuleCache.Content(rules: rules, classes: lexicon.classes.mapValues { $0.sorted() }))
        return RuleSet(language: language, rules: rules, lexicon: lexicon)
    }

    static func classes(_ e: TokenElement) -> [String] {
        (e.wordClass ?? []) + (e.not.map(classes) ?? []) + (e.previous.map(classes) ?? [])
    }
}

/// Runs token-pattern and built-in grammar rules over a reply's authored text.
public struct GrammarChecker: Checker, ReadsLimitedText {
    public var name: String { "grammar" }
    public let ruleSet: RuleSet
    let compiled: [CompiledRule]
    let tokenizer = Tokenizer(options: TokenizerOptions(skipAllCaps: false))

    public init(ruleSet: RuleSet) throws {
        self.ruleSet = ruleSet
        compiled = try ruleSet.rules.map { try CompiledRule($0, lexicon: ruleSet.lexicon) }
    }

    public var rules: [RuleDescription] { ruleSet.rules.map(\.summary) }

    /// The findings on a reply; of a very long reply, on its first `ReadLimit.scalars` characters.
    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        check(ReadLimit.prefix(of: reply.authored))
    }

    /// Every rule's findings on plain text (optionally only the rules whose id is in `only`).
    /// Data pasted into the text (base64, hex dumps, binary) is not language: findings inside it
    /// are dropped (the spelling checker reports it once).
    public func check(_ text: String, only: Set<String>? = nil) -> [Finding] {
        let analysis = Analysis(text: text, tokens: tokenizer.tokenize(text))
        var findings: [Finding] = []
        for rule in compiled where only?.contains(rule.rule.id) ?? true {
            findings += rule.findings(in: analysis)
        }
        let zones = NonLanguage.zones(in: text).map(\.span)
        guard !zones.isEmpty else { return findings }
        return findings.filter { f in
            // The last zone starting at or before the finding is the only one that can hold it.
            var lo = 0, hi = zones.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if zones[mid].start <= f.span.start { lo = mid + 1 } else { hi = mid }
            }
            return lo == 0 || f.span.end > zones[lo - 1].end
        }
    }
}

/// Whether a token element's regex matches a token text, remembered for one analysis.
final class RegexMemo {
    struct Key: Hashable {
        var element: ObjectIdentifier
        var text: String
    }
    var results: [Key: Bool] = [:]
}

/// Tokens and sentences of one text, shared by every rule.
struct Analysis {
    let memo = RegexMemo()
    /// The text, with its offset table: findings take their text from it without walking the text.
    let text: ScalarOffsets
    let tokens: [Token]
    let sentences: [Sentence]

    init(text: String, tokens: [Token]) {
        self.text = ScalarOffsets(text)
        self.tokens = tokens
        sentences = SentenceSplitter.split(tokens)
    }
}
