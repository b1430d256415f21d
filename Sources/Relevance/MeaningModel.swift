import Foundation
import ReplyQACore
import Semantic
import Synchronization

/// Sentence embeddings for the relevance check: the model is read on first use, and each distinct
/// text is encoded once (a macro sent a hundred times costs one pass).
public final class MeaningModel: Sendable {
    /// The model folder (checked to hold the model's files when the model is made).
    public let directory: URL
    private let encoder = Mutex<Result<SentenceEncoder, SemanticError>?>(nil)
    private let cache = Mutex<[String: [Float]]>([:])
    /// Vectors kept for repeated texts; past this the cache starts over (1.5 KB a text).
    static let cacheLimit = 4096

    /// A model over `Dictionaries/models/all-minilm-l6-v2`; throws, naming the fix, when its files are missing.
    public init(locator: DictionaryLocator) throws {
        guard let root = locator.root else {
            throw SemanticError.modelMissing(path: "Dictionaries/\(SentenceEncoder.modelFolder)", missing: SentenceEncoder.modelFiles)
        }
        directory = root.appendingPathComponent(SentenceEncoder.modelFolder)
        let missing = SentenceEncoder.modelFiles.filter { !FileManager.default.fileExists(
            atPath: directory.appendingPathComponent($0).path) }
        guard missing.isEmpty else { throw SemanticError.modelMissing(path: directory.path, missing: missing) }
    }

    /// Reads the model now (e.g. on another thread while the rest starts up).
    public func preload() { _ = loaded() }

    private func loaded() -> Result<SentenceEncoder, SemanticError> {
        encoder.withLock { state in
            if let state { return state }
            let result: Result<SentenceEncoder, SemanticError>
            do { result = .success(try SentenceEncoder(modelDirectory: directory)) }
            catch let error as SemanticError { result = .failure(error) }
            catch { result = .failure(.invalidModel(directory.path, "\(error)")) }
            if case .failure(let error) = result { FileHandle.standardError.write(Data("replyqa: \(error)\n".utf8)) }
            state = result
            return result
        }
    }

    /// Unit vectors of `texts` (as `meaningfulText` leaves them), in order; nil when the model cannot be read.
    public func vectors(_ texts: [String]) -> [[Float]]? {
        guard case .success(let model) = loaded() else { return nil }
        let prepared = texts.map(Self.meaningfulText)
        var found = cache.withLock { c in prepared.map { c[$0] } }
        let todo = Array(Set(prepared.indices.filter { found[$0] == nil }.map { prepared[$0] }))
        if !todo.isEmpty {
            let encoded = Dictionary(uniqueKeysWithValues: zip(todo, model.encode(todo)))
            cache.withLock { c in
                if c.count + encoded.count > Self.cacheLimit { c.removeAll(keepingCapacity: true) }
                c.merge(encoded) { a, _ in a }
            }
            for i in found.indices where found[i] == nil { found[i] = encoded[prepared[i]] }
        }
        return found.map { $0 ?? [] }
    }

    /// The words that carry meaning: @handles, e-mail addresses and a social sign-off ("^AS",
    /// "*JD", "-Steve" at the end) say nothing about the topic. Links stay: their paths name it
    /// ("/articles/reset-password").
    public static func meaningfulText(_ text: String) -> String {
        var words = text.split(whereSeparator: \.isWhitespace)
        words.removeAll { w in
            w.hasPrefix("@") || (w.contains("@") && w.contains(".") && !w.contains("/"))
                || (w.count <= 4 && (w.hasPrefix("^") || w.hasPrefix("*")) && w.dropFirst().allSatisfy(\.isLetter))
        }
        if let last = words.last, last.count >= 2, last.count <= 12, last.first == "-" || last.first == "~",
           last.dropFirst().allSatisfy(\.isLetter), last.dropFirst().first?.isUppercase == true {
            words.removeLast()
        }
        let joined = words.joined(separator: " ")
        return joined.isEmpty ? "." : joined
    }

    /// Cosine of two unit vectors.
    public static func similarity(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        return Double(SentenceEncoder.cosine(a, b))
    }
}
