import Foundation
import ReplyQACore

/// One logistic model of `relevance/semantic.yml`: a weight per feature and an intercept.
public struct LogisticModel: Codable, Sendable, Equatable {
    public var intercept: Double
    public var similarity: Double
    public var overlap: Double
    public var handoffLikeness: Double
    public var logWords: Double

    enum CodingKeys: String, CodingKey {
        case intercept, similarity, overlap, handoffLikeness = "handoff_likeness", logWords = "log_words"
    }

    public init(intercept: Double, similarity: Double, overlap: Double, handoffLikeness: Double, logWords: Double) {
        self.intercept = intercept; self.similarity = similarity; self.overlap = overlap
        self.handoffLikeness = handoffLikeness; self.logWords = logWords
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intercept = try c.decode(Double.self, forKey: .intercept)
        similarity = try c.decodeIfPresent(Double.self, forKey: .similarity) ?? 0
        overlap = try c.decodeIfPresent(Double.self, forKey: .overlap) ?? 0
        handoffLikeness = try c.decodeIfPresent(Double.self, forKey: .handoffLikeness) ?? 0
        logWords = try c.decodeIfPresent(Double.self, forKey: .logWords) ?? 0
    }

    /// The chance, 0 to 1.
    public func chance(_ f: SemanticFeatures) -> Double {
        let z = intercept + similarity * f.similarity + overlap * f.overlap + handoffLikeness * f.handoffLikeness + logWords * f.logWords
        return 1 / (1 + exp(-z))
    }
}

/// What the relevance models read off one reply and its customer message.
public struct SemanticFeatures: Sendable, Equatable {
    public var similarity: Double
    public var overlap: Double
    public var handoffLikeness: Double
    public var logWords: Double

    public init(similarity: Double, overlap: Double, handoffLikeness: Double, logWords: Double) {
        self.similarity = similarity; self.overlap = overlap; self.handoffLikeness = handoffLikeness; self.logWords = logWords
    }
}

/// `relevance/semantic.yml`: the models, their thresholds and the hand-off sentences.
public struct SemanticSettings: Codable, Sendable, Equatable {
    public var answers: LogisticModel
    public var generic: LogisticModel
    public var wrongBelow: Double
    public var genericFrom: Double
    public var handoffs: [String]
    /// Openings of courtesy sentences (greetings, thanks, offers of more help): left out before
    /// meaning is read, so a macro's polite frame does not look like an answer to anything.
    public var courtesy: [String]

    enum CodingKeys: String, CodingKey {
        case answers, generic, wrongBelow = "wrong_below", genericFrom = "generic_from", handoffs, courtesy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        answers = try c.decode(LogisticModel.self, forKey: .answers)
        generic = try c.decode(LogisticModel.self, forKey: .generic)
        wrongBelow = try c.decode(Double.self, forKey: .wrongBelow)
        genericFrom = try c.decode(Double.self, forKey: .genericFrom)
        handoffs = try c.decode([String].self, forKey: .handoffs)
        courtesy = (try c.decodeIfPresent([String].self, forKey: .courtesy) ?? []).map { $0.lowercased() }
        guard !handoffs.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .handoffs, in: c, debugDescription: "at least one hand-off sentence is needed")
        }
    }

    /// Reads `relevance/semantic.yml` of the dictionaries in use.
    public static func load(locator: DictionaryLocator) throws -> SemanticSettings {
        guard let url = locator.file("relevance/semantic.yml") else {
            throw DataFileError(description: "missing \(locator.root?.path ?? "Dictionaries")/relevance/semantic.yml")
        }
        do { return try DataFile.decode(SemanticSettings.self, from: String(contentsOf: url, encoding: .utf8), file: url.path) }
        catch { throw DataFileError(description: "\(error)") }
    }
}

/// Relevance read from meaning: the sentence-embedding model and what `semantic.yml` makes of it.
public struct SemanticRelevance: Sendable {
    public let model: MeaningModel
    public let settings: SemanticSettings

    public init(model: MeaningModel, settings: SemanticSettings) { self.model = model; self.settings = settings }

    /// The model and settings of the dictionaries in use.
    public init(locator: DictionaryLocator) throws {
        self.init(model: try MeaningModel(locator: locator), settings: try SemanticSettings.load(locator: locator))
    }

    /// The two chances for a reply and its customer message, with the features; nil when the
    /// model cannot be read (then the word-overlap score stands alone).
    public func judge(reply: String, question: String, overlap: Double) -> SemanticJudgement? {
        let reply = content(reply), question = content(question)
        let texts = [reply, question] + settings.handoffs
        guard let v = model.vectors(texts), v.count == texts.count else { return nil }
        let words = MeaningModel.meaningfulText(reply).split(separator: " ").count
        let handoff = v.dropFirst(2).map { MeaningModel.similarity(v[0], $0) }.max() ?? 0
        let f = SemanticFeatures(similarity: MeaningModel.similarity(v[0], v[1]), overlap: overlap,
                                 handoffLikeness: handoff, logWords: log(1 + Double(words)))
        return SemanticJudgement(features: f, answers: settings.answers.chance(f), generic: settings.generic.chance(f))
    }

    /// `text` without its courtesy sentences ("Hi Sofia,", "Thanks for reaching out to us.", "Let
    /// us know if there is anything else"), unless nothing else is left.
    public func content(_ text: String) -> String {
        guard !settings.courtesy.isEmpty else { return text }
        var sentences: [Substring] = [], start = text.startIndex, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "\n" || ((c == "." || c == "!" || c == "?") && (next == text.endIndex || text[next].isWhitespace)) {
                sentences.append(text[start..<next]); start = next
            }
            i = next
        }
        if start < text.endIndex { sentences.append(text[start...]) }
        let kept = sentences.filter { sentence in
            let words = sentence.lowercased().replacingOccurrences(of: "’", with: "'")
                .split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "@" }).filter { !$0.hasPrefix("@") }
            guard !words.isEmpty else { return false }
            let opening = words.joined(separator: " ")
            // The courtesy phrase and at most a few words more ("Hi Sofia,", "Thanks for reaching out
            // to Northwind."): a sentence that goes on has something to say.
            return !settings.courtesy.contains { phrase in
                (opening == phrase || opening.hasPrefix(phrase + " "))
                    && words.count <= phrase.split(separator: " ").count + Self.courtesyExtraWords
            }
        }
        let joined = kept.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return joined.isEmpty ? text : joined
    }

    /// The sentence of the customer's message that carries its gist (closest in meaning to the whole
    /// message), for a coach to see what went unanswered; cut to `gistLimit` characters.
    public func gist(of sentences: [String], question: String) -> String? {
        let candidates = sentences.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { MeaningModel.meaningfulText($0).split(separator: " ").count >= 3 }
        var best = candidates.first
        if candidates.count >= 2, let v = model.vectors([question] + candidates) {
            best = candidates.indices.max { MeaningModel.similarity(v[0], v[$0 + 1]) < MeaningModel.similarity(v[0], v[$1 + 1]) }
                .map { candidates[$0] }
        }
        guard let best else { return nil }
        return best.count <= Self.gistLimit ? best : String(best.prefix(Self.gistLimit - 1)) + "…"
    }

    /// Words a courtesy sentence may have beyond its opening phrase (a name, the brand).
    static let courtesyExtraWords = 4

    /// Longest quoted sentence of a customer's message in a finding.
    public static let gistLimit = 200
}

/// The chances that a reply answers its customer's message and that it is a generic hand-off.
public struct SemanticJudgement: Sendable, Equatable {
    public var features: SemanticFeatures
    public var answers: Double
    public var generic: Double
}
