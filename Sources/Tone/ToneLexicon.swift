import Foundation
import ReplyQACore

/// One tone cue as written in `Dictionaries/tone/<lang>.yml`: phrases that earn or cost a
/// dimension points, with the examples that document and test it.
public struct ToneCue: Codable, Sendable {
    /// Which sentences a cue looks at.
    public enum Mood: String, Codable, Sendable { case any, statement, question }
    /// Where in the reply a cue counts.
    public enum Position: String, Codable, Sendable { case any, start, end }
    /// Stiff or chatty wording, weighed by the channel's formality.
    public enum Register: String, Codable, Sendable { case stiff, chatty }

    /// Reported as a finding when the cue matches (the worst cases).
    public struct Report: Codable, Sendable {
        public var severity: Severity
        public var message: String
        public var suggestion: String?
    }

    public struct Examples: Codable, Sendable {
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
    public var description: String
    public var examples: Examples
}

/// The tone lexicon of one language: cues, negators, the customer's distress signals.
public struct ToneLexicon: Codable, Sendable {
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
    /// Greeting words that open a reply.
    public var greetings: [String]
    /// Words after a greeting that are not a name ("Hi there").
    public var notNames: [String]
    public var cues: [ToneCue]

    enum CodingKeys: String, CodingKey {
        case baselines, distressedEmpathyBaseline = "distressed_empathy_baseline", negators, distress, acronyms
        case greetings, notNames = "not_names", cues
    }

    /// Reads `tone/<language>.yml` from the dictionaries folder.
    public static func load(language: String, locator: DictionaryLocator) throws -> ToneLexicon {
        guard let url = locator.file("tone/\(language).yml") else {
            throw DataFileError(description: "no tone lexicon for \(language): expected Dictionaries/tone/\(language).yml")
        }
        let lexicon = try DataFile.decode(ToneLexicon.self, from: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
        var seen = Set<String>()
        for cue in lexicon.cues where !seen.insert(cue.id).inserted {
            throw DataFileError(description: "\(url.lastPathComponent): cue id \(cue.id) is used twice")
        }
        return lexicon
    }
}
