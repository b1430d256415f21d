import COpenBLAS
import Dispatch
import Foundation
import ReplyQACore
import Synchronization

/// Sentence embeddings with all-MiniLM-L6-v2: 384-dimensional unit vectors whose dot product is the
/// cosine similarity of two texts' meanings. Safe to use from several threads at once.
public final class SentenceEncoder: Sendable {
    /// Where `.ci/install` puts the model, inside `Dictionaries/`.
    public static let modelFolder = "models/all-minilm-l6-v2"
    /// The files the model is read from.
    public static let modelFiles = ["model.safetensors", "config.json", "vocab.txt", "tokenizer.json", "1_Pooling/config.json"]

    public let tokenizer: WordPieceTokenizer
    /// Length of every embedding.
    public var dimension: Int { model.hidden }
    private let model: MiniLM
    /// Scratch memory of finished passes, handed to the next ones.
    private let workspaces = Mutex<[MiniLM.Workspace]>([])
    /// Tokens per forward pass: enough for efficient products, while a thread's scratch memory stays
    /// near 16 MB.
    private static let rowsPerPass = 1024

    /// Loads the model from a folder holding `modelFiles`.
    public init(modelDirectory: URL) throws {
        let missing = Self.modelFiles.filter {
            !FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else { throw SemanticError.modelMissing(path: modelDirectory.path, missing: missing) }
        model = try MiniLM(modelDirectory: modelDirectory)
        tokenizer = try WordPieceTokenizer(modelDirectory: modelDirectory, maxLength: min(256, model.maxPositions))
        guard tokenizer.vocabularySize == model.vocabularySize else {
            throw SemanticError.invalidModel(modelDirectory.path,
                                             "vocab.txt has \(tokenizer.vocabularySize) entries, the model \(model.vocabularySize)")
        }
        Self.useOneBLASThreadPerCall()
    }

    /// Loads the model from `Dictionaries/models/all-minilm-l6-v2` of the dictionaries in use.
    public convenience init(locator: DictionaryLocator) throws {
        guard let root = locator.root else {
            throw SemanticError.modelMissing(path: "Dictionaries/\(Self.modelFolder)", missing: Self.modelFiles)
        }
        try self.init(modelDirectory: root.appendingPathComponent(Self.modelFolder))
    }

    /// Parallelism comes from encoding different texts on different threads (see `encode`): BLAS's
    /// own threads would only compete with them, and for a reply's few dozen tokens they cost more
    /// than they gain.
    private static let oneBLASThread: Void = { openblas_set_num_threads(1) }()
    private static func useOneBLASThreadPerCall() { _ = oneBLASThread }

    /// Sets how many threads OpenBLAS uses inside each matrix product (process-wide; 1 unless set).
    /// More than one only pays with `encode` called from one thread at a time.
    public static func setBLASThreads(_ count: Int) {
        useOneBLASThreadPerCall()
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The embedding of one text. For many texts the batch form is faster: each pass reads all
    /// the weights, whatever its number of tokens.
    public func encode(_ text: String) -> [Float] { encode([text])[0] }

    /// Embeddings of `texts`, in order. Texts are cut to the model's 256 tokens. With `threads` > 1
    /// the texts are shared out among that many threads.
    public func encode(_ texts: [String], threads: Int = 1) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let ids = texts.map(tokenizer.encode)
        // Longest first, so a thread that picks up the last pass gets a short one.
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        let total = ids.reduce(0) { $0 + $1.count }
        let budget = max(1, min(Self.rowsPerPass, (total + threads - 1) / max(threads, 1)))
        var grouped: [[Int]] = [[]]
        var rows = 0
        for i in order {
            if rows + ids[i].count > budget, !grouped[grouped.count - 1].isEmpty { grouped.append([]); rows = 0 }
            grouped[grouped.count - 1].append(i)
            rows += ids[i].count
        }
        let passes = grouped
        let results = Mutex([[Float]](repeating: [], count: texts.count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(max(threads, 1), passes.count)) { _ in
            let workspace = workspaces.withLock { $0.popLast() } ?? MiniLM.Workspace()
            while true {
                let p = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard p < passes.count else { break }
                let vectors = model.embed(passes[p].map { ids[$0] }, workspace: workspace)
                results.withLock { for (i, v) in zip(passes[p], vectors) { $0[i] = v } }
            }
            workspaces.withLock { $0.append(workspace) }
        }
        return results.withLock { $0 }
    }

    /// Cosine similarity of two vectors (for unit vectors, their dot product).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors of different lengths")
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
        let norms = (na * nb).squareRoot()
        return norms > 0 ? dot / norms : 0
    }
}
