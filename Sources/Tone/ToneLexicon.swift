import Foundation
import ReplyQACore

/// One tone cue as written in `Dictionaries/tone/<lang>.yml`: phrases that earn or cost a
/// dimension points, with the examples that document and test it.
public struct ToneCue: Decodable, Sendable {
    /// Which sentences a cue looks at.
    public enum Mood: String, Decodable, Sendable { case any, statement, question }
    /// Where in the reply a cue counts.
    public enum Position: String, Decodable, Sendable { case any, start, end }
    /// Stiff or chatty wording, weighed by the channel's formality.
    public enum Register: String, Decodable, Sendable { case stiff, chatty }

    /// Reported as a finding when the cue matches (the worst cases).
    public struct Report: Decodable, Sendable {
        public var severity: Severity
        public var message: String
        public var suggestion: String?
    }

    public struct Examples: Decodable, Sendable {
        public var trigger: [String]
        public var pass: [String]
    }

    public var id: String
    public var dimension: Category
    /// Points earned (positive) or lost (negative) per match, before repeats and relevance.
    public var points: Double
    /// Case-insensitive regular expressions over one sentence (curly apostrophes made straight).
    public var patterns: [String]
    /// The match does not count when the sentence also matches one of these.
    public var unless: [String]?
    public var mood: Mood?
    public var position: Position?
    /// A negator ("not", "never", "n't") in or just before the match cancels it (default: true).
    public var negation: Bool?
    /// Earns full points only when its sentence names the customer's issue.
    public var tied: Bool?
    /// A stock phrase: earns half, and shows as boilerplate.
    public var stock: Bool?
    public var register: Register?
    /// For a cost: the same or the next sentence offering one of these halves it ("but you can...").
    public var relief: [String]?
    public var report: Report?
    /// A reported match fails the whole reply unless the scorecard's `auto_fail` says otherwise.
    public var autoFail: Bool?
    /// A reported match's text is customer data: every output masks it.
    public var sensitive: Bool?
    public var description: String
    public var examples: Examples

    enum CodingKeys: String, CodingKey {
        case id, dimension, points, patterns, unless, mood, position, negation, tied, stock, register, relief, report
        case autoFail = "auto_fail", sensitive, description, examples
    }

    /// The cue as a rule: reported cues keep their report's severity, the others score as info.
    public var rule: RuleDescription {
        let summary = report == nil
            ? "Scoring cue (\(points > 0 ? "+" : "")\(ToneChecker.format(points)) \(dimension.rawValue)): \(description)" : description
        return RuleDescription(id: id, category: dimension, severity: report?.severity ?? .info, summary: summary,
                               triggers: examples.trigger, passes: examples.pass,
                               sensitive: sensitive ?? false, autoFail: autoFail ?? false)
    }
}

/// What the built-in checks (greeting, closing, emoji, shouting, wall of text, readability) earn
/// or cost, and their limits.
public struct BuiltinPoints: Decodable, Sendable {
    public struct Greeting: Decodable, Sendable {
        /// "Hi Linda", a greeting without the name ("Hi there"), the name alone ("Linda, ..."), none.
        public var byName, withoutName, nameOnly, missing: Double
        enum CodingKeys: String, CodingKey { case byName = "by_name", withoutName = "without_name", nameOnly = "name_only", missing }
    }
    public struct Closing: Decodable, Sendable {
        public var signOff, missing: Double
        enum CodingKeys: String, CodingKey { case signOff = "sign_off", missing }
    }
    public struct Emoji: Decodable, Sendable {
        /// The first emoji on a channel that forbids them (each further one costs half the one before).
        public var forbidden: Double
        /// On a channel that allows them: how many are free, and what each one beyond costs.
        public var allowedFree: Int
        public var allowedBeyond: Double
        enum CodingKeys: String, CodingKey { case forbidden, allowedFree = "allowed_free", allowedBeyond = "allowed_beyond" }
    }
    public struct Shouting: Decodable, Sendable {
        public var first, further: Double
    }
    public struct WallOfText: Decodable, Sendable {
        public var points: Double
        /// A paragraph longer than this is a wall of text.
        public var maxWords: Int
        enum CodingKeys: String, CodingKey { case points, maxWords = "max_words" }
    }
    public struct Readability: Decodable, Sendable {
        /// Replies shorter than this are not judged.
        public var minWords: Int
        /// Each point of Flesch reading ease below `readingEaseBelow` costs `costPerEasePoint`.
        public var readingEaseBelow, costPerEasePoint: Double
        /// Each word of average sentence length above `sentenceWordsAbove` costs `costPerSentenceWord`.
        public var sentenceWordsAbove, costPerSentenceWord: Double
        enum CodingKeys: String, CodingKey {
            case minWords = "min_words", readingEaseBelow = "reading_ease_below", costPerEasePoint = "cost_per_ease_point"
            case sentenceWordsAbove = "sentence_words_above", costPerSentenceWord = "cost_per_sentence_word"
        }
    }
    public var greeting: Greeting
    public var closing: Closing
    public var emoji: Emoji
    public var shouting: Shouting
    public var wallOfText: WallOfText
    public var readability: Readability
    enum CodingKeys: String, CodingKey { case greeting, closing, emoji, shouting, wallOfText = "wall_of_text", readability }
}

/// Where the tone label's thresholds lie (scores 0-100).
public struct LabelThresholds: Decodable, Sendable {
    public struct Hostile: Decodable, Sendable {
        /// Patience below this, or one patience cost this large (negative), is hostile.
        public var patienceBelow: Int
        public var cost: Double
        enum CodingKeys: String, CodingKey { case patienceBelow = "patience_below", cost }
    }
    public struct Robotic: Decodable, Sendable {
        /// This many stock or scripted phrases, with empathy below `empathyBelow`.
        public var scriptedPhrases, empathyBelow: Int
        enum CodingKeys: String, CodingKey { case scriptedPhrases = "scripted_phrases", empathyBelow = "empathy_below" }
    }
    public struct Curt: Decodable, Sendable {
        public var politenessBelow, empathyBelow: Int
        enum CodingKeys: String, CodingKey { case politenessBelow = "politeness_below", empathyBelow = "empathy_below" }
    }
    public struct Warm: Decodable, Sendable {
        /// At least these scores; the reasons quote evidence of at least `evidencePoints`.
        public var empathy, politeness, patience: Int
        public var evidencePoints: Double
        enum CodingKeys: String, CodingKey { case empathy, politeness, patience, evidencePoints = "evidence_points" }
    }
    public var hostile: Hostile
    public var robotic: Robotic
    public var curt: Curt
    public var warm: Warm
}

/// The tone lexicon of one language: cues, negators, the customer's distress signals, what the
/// built-in checks earn and the label's thresholds.
public struct ToneLexicon: Decodable, Sendable {
    /// Each dimension's score before any cue.
    public var baselines: [String: Double]
    /// Empathy's baseline when the customer's message shows distress (empathy is expected then).
    public var distressedEmpathyBaseline: Double
    /// Words that negate what follows.
    public var negators: [String]
    /// Regular expressions over the customer's message that show distress.
    public var distress: [String]
    /// ALL-CAPS words that are not shouting.
    public var acronyms: [String]
    /// Each further positive piece of evidence of a dimension earns this share of the one before.
    public var diminishing: Double
    /// A sentence found in this many replies of the batch is boilerplate: it earns a third.
    public var boilerplateReplies: Int
    public var builtins: BuiltinPoints
    public var labels: LabelThresholds
    public var cues: [ToneCue]
    /// Greeting words and the words after them that are not names (`common/<lang>.yml`).
    public var common = CommonLexicon(greetings: [], notNames: [])

    enum CodingKeys: String, CodingKey {
        case baselines, distressedEmpathyBaseline = "distressed_empathy_baseline", negators, distress, acronyms
        case diminishing, boilerplateReplies = "boilerplate_replies", builtins, labels, cues
    }

    /// Reads `tone/<language>.yml` and `common/<language>.yml` from the dictionaries folder.
    public static func load(language: String, locator: DictionaryLocator) throws -> ToneLexicon {
        var lexicon = try DataFile.load(ToneLexicon.self, "tone/\(language).yml", locator: locator, what: "tone lexicon for \(language)")
        var seen = Set<String>()
        for cue in lexicon.cues where !seen.insert(cue.id).inserted {
            let file = locator.file("tone/\(language).yml")?.path ?? "tone/\(language).yml"
            throw DataFileError(description: "\(file): cue id \(cue.id) is used twice")
        }
        lexicon.common = try CommonLexicon.load(language: language, locator: locator)
        return lexicon
    }
}
