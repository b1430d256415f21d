import Foundation
import Grammar
import NearDuplicates
import Relevance
import ReplyQACore
import Safety
import Spelling
import Tone

/// The checkers a normal run uses, built once per run from the configuration.
public enum StandardCheckers {
    /// `suggestionsPerRun` bounds Hunspell's suggestion look-ups over the run (a batch, one lint); a
    /// service, whose run never ends, lifts it so that its thousandth reply gets suggestions as its
    /// first did (each reply keeps its own limit of `SuggestionBudget.perReply`).
    public static func make(config: Configuration, suggestionsPerRun: Int = SuggestionBudget.perRun) throws -> CheckerRegistry {
        var registry = batchFamilies(config: config)
        let spelling = try SpellingService(config: config, suggestionBudget: SuggestionBudget(limit: suggestionsPerRun))
        // Loading a Hunspell dictionary takes tens of milliseconds: do it on the other core while
        // the rule files are parsed and the other checkers run; spelling runs last, waiting for it
        // only if it is not done yet.
        // The other English variant (accepted unless `accept_english_variants: false`) and the
        // `also_accept` dictionaries are read on every check: load them on the same thread right
        // after, so the first check does not load them itself.
        let language = config.spelling.language
        var languages = [language]
        if language.hasPrefix("en_") && config.spelling.acceptEnglishVariants { languages += ["en_US", "en_GB"] }
        languages += config.spelling.alsoAccept.filter { $0.prefix(3) == language.prefix(3) }
        var seen = Set<String>()
        let preload = languages.filter { seen.insert($0).inserted }
        Thread.detachNewThread { for l in preload { _ = spelling.speller(for: l) } }
        registry.register(try GrammarChecker(ruleSet: RuleSet.load(language: "en", locator: spelling.locator)))
        registry.register(try SafetyChecker(lexicon: SafetyLexicon.load(language: "en", locator: spelling.locator)))
        let relevance = try RelevanceLexicon.load(locator: spelling.locator)
        // The sentence-embedding model is read on the other core too (a few tens of milliseconds);
        // a missing model is an error that says how to install it.
        var semantic: SemanticRelevance?
        if config.relevance.semantic {
            let meaning = try SemanticRelevance(locator: spelling.locator)
            Thread.detachNewThread { meaning.model.preload() }
            semantic = meaning
        }
        registry.register(RelevanceChecker(lexicon: relevance, semantic: semantic))
        registry.register(try ToneChecker(lexicon: ToneLexicon.load(language: "en", locator: spelling.locator), relevance: relevance))
        registry.register(SpellingChecker(service: spelling))
        return registry
    }

    /// The families that only look over the batch (near-duplicate groups and macros): all that
    /// `extract` needs, and what every run's checkers start from.
    public static func batchFamilies(config: Configuration) -> CheckerRegistry {
        CheckerRegistry(batchFamilies: [NearDuplicateFamily(config: config)])
    }
}

/// The standard families' evidence, read by the reports and commands that show it.
extension ReplyRecord {
    /// How well the reply covers its question, when the relevance checker ran and a question is known.
    public var relevance: RelevanceResult? { evidence(RelevanceResult.self) }
    /// Tone dimensions, label and evidence, when the tone checker ran.
    public var tone: ToneResult? { evidence(ToneResult.self) }
}
