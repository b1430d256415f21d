import COpenBLAS
import Foundation

/// The BERT encoder of all-MiniLM-L6-v2: weights read once (linear layers transposed for the matrix
/// products, the rest used in place from the mapped file) and the forward pass to pooled vectors.
final class MiniLM: @unchecked Sendable {
    let hidden: Int
    let heads: Int
    let intermediate: Int
    let maxPositions: Int
    let layerNormEpsilon: Float
    let vocabularySize: Int

    private struct Layer {
        /// Query, key and value fused: `[hidden, 3 * hidden]`, so one product projects all three.
        var qkv: UnsafePointer<Float>
        var qkvBias: UnsafePointer<Float>
        var output: UnsafePointer<Float>
        var outputBias: UnsafePointer<Float>
        var attentionNorm: (weight: UnsafePointer<Float>, bias: UnsafePointer<Float>)
        var up: UnsafePointer<Float>
        var upBias: UnsafePointer<Float>
        var down: UnsafePointer<Float>
        var downBias: UnsafePointer<Float>
        var outputNorm: (weight: UnsafePointer<Float>, bias: UnsafePointer<Float>)
    }

    private let file: SafeTensors
    private let wordEmbeddings: UnsafePointer<Float>
    private let positionEmbeddings: UnsafePointer<Float>
    private let tokenType0: UnsafePointer<Float>
    private let embeddingNorm: (weight: UnsafePointer<Float>, bias: UnsafePointer<Float>)
    private let layers: [Layer]
    /// The transposed and fused weights; everything else stays in the mapped file.
    private let storage: UnsafeMutableBufferPointer<Float>

    init(modelDirectory: URL) throws {
        let configURL = modelDirectory.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configURL.path),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SemanticError.invalidModel(configURL.path, "not a JSON object")
        }
        func int(_ key: String) throws -> Int {
            guard let v = config[key] as? Int else { throw SemanticError.invalidModel(configURL.path, "no \(key)") }
            return v
        }
        hidden = try int("hidden_size")
        heads = try int("num_attention_heads")
        intermediate = try int("intermediate_size")
        maxPositions = try int("max_position_embeddings")
        vocabularySize = try int("vocab_size")
        let layerCount = try int("num_hidden_layers")
        layerNormEpsilon = Float((config["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12)
        guard config["hidden_act"] as? String ?? "gelu" == "gelu",
              config["position_embedding_type"] as? String ?? "absolute" == "absolute",
              heads > 0, hidden % heads == 0 else {
            throw SemanticError.invalidModel(configURL.path, "not a BERT encoder with exact GELU and absolute positions")
        }
        try Self.checkPooling(modelDirectory.appendingPathComponent("1_Pooling/config.json"))

        let file = try SafeTensors(contentsOf: modelDirectory.appendingPathComponent("model.safetensors"))
        let h = hidden, i = intermediate, vocabularySize = vocabularySize, maxPositions = maxPositions
        wordEmbeddings = try file.float32("embeddings.word_embeddings.weight", shape: [vocabularySize, h]).values.baseAddress!
        positionEmbeddings = try file.float32("embeddings.position_embeddings.weight", shape: [maxPositions, h]).values.baseAddress!
        let tokenTypes = config["type_vocab_size"] as? Int ?? 2
        tokenType0 = try file.float32("embeddings.token_type_embeddings.weight", shape: [tokenTypes, h]).values.baseAddress!
        embeddingNorm = (try Self.vector(file, "embeddings.LayerNorm.weight", h), try Self.vector(file, "embeddings.LayerNorm.bias", h))

        let perLayer = h * 3 * h + 3 * h + h * h + h * i + i * h
        let storage = UnsafeMutableBufferPointer<Float>.allocate(capacity: perLayer * layerCount)
        do {
            layers = try Self.layers(of: file, count: layerCount, hidden: h, intermediate: i, into: storage)
        } catch {
            storage.deallocate()
            throw error
        }
        self.storage = storage
        self.file = file
    }

    /// Only mean pooling is supported (when the model says how it pools).
    private static func checkPooling(_ poolingURL: URL) throws {
        guard let data = FileManager.default.contents(atPath: poolingURL.path),
              let pooling = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        guard pooling["pooling_mode_mean_tokens"] as? Bool == true, pooling["pooling_mode_cls_token"] as? Bool != true,
              pooling["pooling_mode_max_tokens"] as? Bool != true else {
            throw SemanticError.invalidModel(poolingURL.path, "only mean pooling is supported")
        }
    }

    private static func vector(_ file: SafeTensors, _ name: String, _ count: Int) throws -> UnsafePointer<Float> {
        try file.float32(name, shape: [count]).values.baseAddress!
    }

    /// The encoder layers: linear weights transposed (query, key and value fused) into `storage`,
    /// biases and norms in place in the mapped file.
    private static func layers(of file: SafeTensors, count layerCount: Int, hidden h: Int, intermediate i: Int,
                               into storage: UnsafeMutableBufferPointer<Float>) throws -> [Layer] {
        var next = storage.baseAddress!
        /// Copies `name` ([rows, columns], torch's `[out, in]`) transposed into columns `column...` of an
        /// `[in, width]` matrix at `into`.
        func transpose(_ name: String, rows: Int, columns: Int, into: UnsafeMutablePointer<Float>, width: Int, column: Int) throws {
            let w = try file.float32(name, shape: [rows, columns]).values.baseAddress!
            for r in 0..<rows { for c in 0..<columns { into[c * width + column + r] = w[r * columns + c] } }
        }
        func take(_ count: Int) -> UnsafeMutablePointer<Float> { defer { next += count }; return next }
        func vector(_ name: String, _ count: Int) throws -> UnsafePointer<Float> { try Self.vector(file, name, count) }
        var built: [Layer] = []
        for l in 0..<layerCount {
            let p = "encoder.layer.\(l)."
            let qkv = take(h * 3 * h), qkvBias = take(3 * h)
            for (n, part) in ["query", "key", "value"].enumerated() {
                try transpose(p + "attention.self.\(part).weight", rows: h, columns: h, into: qkv, width: 3 * h, column: n * h)
                (qkvBias + n * h).update(from: try vector(p + "attention.self.\(part).bias", h), count: h)
            }
            let output = take(h * h)
            try transpose(p + "attention.output.dense.weight", rows: h, columns: h, into: output, width: h, column: 0)
            let up = take(h * i)
            try transpose(p + "intermediate.dense.weight", rows: i, columns: h, into: up, width: i, column: 0)
            let down = take(i * h)
            try transpose(p + "output.dense.weight", rows: h, columns: i, into: down, width: h, column: 0)
            built.append(Layer(
                qkv: UnsafePointer(qkv), qkvBias: UnsafePointer(qkvBias),
                output: UnsafePointer(output), outputBias: try vector(p + "attention.output.dense.bias", h),
                attentionNorm: (try vector(p + "attention.output.LayerNorm.weight", h),
                                try vector(p + "attention.output.LayerNorm.bias", h)),
                up: UnsafePointer(up), upBias: try vector(p + "intermediate.dense.bias", i),
                down: UnsafePointer(down), downBias: try vector(p + "output.dense.bias", h),
                outputNorm: (try vector(p + "output.LayerNorm.weight", h), try vector(p + "output.LayerNorm.bias", h))))
        }
        return built
    }

    deinit { storage.deallocate() }

    /// Scratch memory for one forward pass, grown on demand and reused across calls; one thread uses
    /// it at a time (the encoder's pool hands it out).
    final class Workspace: @unchecked Sendable {
        private(set) var rows = 0
        private(set) var longest = 0
        var x: UnsafeMutablePointer<Float> = .allocate(capacity: 1)
        var qkv: UnsafeMutablePointer<Float> = .allocate(capacity: 1)
        var context: UnsafeMutablePointer<Float> = .allocate(capacity: 1)
        var sum: UnsafeMutablePointer<Float> = .allocate(capacity: 1)
        var up: UnsafeMutablePointer<Float> = .allocate(capacity: 1)
        var scores: UnsafeMutablePointer<Float> = .allocate(capacity: 1)

        func reserve(rows needed: Int, longest sequence: Int, model: MiniLM) {
            if needed > rows {
                for buffer in [x, qkv, context, sum, up] { buffer.deallocate() }
                rows = needed
                x = .allocate(capacity: rows * model.hidden)
                qkv = .allocate(capacity: rows * 3 * model.hidden)
                context = .allocate(capacity: rows * model.hidden)
                sum = .allocate(capacity: rows * model.hidden)
                up = .allocate(capacity: rows * model.intermediate)
            }
            if sequence > longest {
                scores.deallocate()
                longest = sequence
                scores = .allocate(capacity: longest * longest)
            }
        }

        deinit { for buffer in [x, qkv, context, sum, up, scores] { buffer.deallocate() } }
    }

    /// Mean-pooled, L2-normalised embeddings of token-id sequences (each with `[CLS]`/`[SEP]`, at most
    /// `maxPositions` long). The sequences are stacked without padding: every projection is one
    /// product over all their tokens, attention runs per sequence.
    func embed(_ sequences: [[Int32]], workspace ws: Workspace) -> [[Float]] {
        let h = hidden, inter = intermediate, headSize = hidden / heads
        let rows = sequences.reduce(0) { $0 + $1.count }
        guard rows > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        ws.reserve(rows: rows, longest: sequences.map(\.count).max() ?? 0, model: self)
        let x = ws.x, qkv = ws.qkv, context = ws.context, sum = ws.sum, up = ws.up, scores = ws.scores

        var r = 0
        for ids in sequences {
            for (t, id) in ids.enumerated() {
                let out = x + r * h
                let word = wordEmbeddings + Int(id) * h, position = positionEmbeddings + t * h
                for k in 0..<h { out[k] = word[k] + position[k] + tokenType0[k] }
                layerNorm(out, embeddingNorm)
                r += 1
            }
        }

        let scale = 1 / Float(headSize).squareRoot()
        for layer in layers {
            // Biases are written first and the products added onto them (beta = 1).
            fillRows(qkv, rows: rows, with: layer.qkvBias, count: 3 * h)
            gemm(rows, 3 * h, h, x, h, layer.qkv, 3 * h, qkv, 3 * h, beta: 1)
            var start = 0
            for ids in sequences {
                let n = ids.count
                for head in 0..<heads {
                    let q = qkv + start * 3 * h + head * headSize
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(headSize),
                                scale, q, Int32(3 * h), q + h, Int32(3 * h), 0, scores, Int32(n))
                    for row in 0..<n { softmax(scores + row * n, n) }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(headSize), Int32(n),
                                1, scores, Int32(n), q + 2 * h, Int32(3 * h), 0, context + start * h + head * headSize, Int32(h))
                }
                start += n
            }
            // Residual and bias first, then the projection added onto them.
            for row in 0..<rows { addRow(sum + row * h, x + row * h, layer.outputBias, h) }
            gemm(rows, h, h, context, h, layer.output, h, sum, h, beta: 1)
            for row in 0..<rows { (x + row * h).update(from: sum + row * h, count: h); layerNorm(x + row * h, layer.attentionNorm) }

            fillRows(up, rows: rows, with: layer.upBias, count: inter)
            gemm(rows, inter, h, x, h, layer.up, inter, up, inter, beta: 1)
            gelu(up, rows * inter)
            for row in 0..<rows { addRow(sum + row * h, x + row * h, layer.downBias, h) }
            gemm(rows, h, inter, up, inter, layer.down, h, sum, h, beta: 1)
            for row in 0..<rows { (x + row * h).update(from: sum + row * h, count: h); layerNorm(x + row * h, layer.outputNorm) }
        }

        var vectors: [[Float]] = []
        vectors.reserveCapacity(sequences.count)
        r = 0
        for ids in sequences {
            var v = [Float](repeating: 0, count: h)
            // Mean over every token (the attention mask covers them all: no padding), then unit length.
            for t in 0..<ids.count { let row = x + (r + t) * h; for k in 0..<h { v[k] += row[k] } }
            r += ids.count
            let n = Float(max(ids.count, 1))
            for k in 0..<h { v[k] /= n }
            let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            for k in 0..<h { v[k] /= norm }
            vectors.append(v)
        }
        return vectors
    }

    /// C = A·B + beta·C, row-major.
    private func gemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int, beta: Float) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    private func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, with row: UnsafePointer<Float>, count: Int) {
        for r in 0..<rows { (out + r * count).update(from: row, count: count) }
    }

    private func addRow(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) {
        for k in 0..<count { out[k] = a[k] + b[k] }
    }

    /// LayerNorm of one row in place; mean and variance accumulated in Double.
    private func layerNorm(_ row: UnsafeMutablePointer<Float>, _ norm: (weight: UnsafePointer<Float>, bias: UnsafePointer<Float>)) {
        let n = hidden
        var total: Double = 0
        for k in 0..<n { total += Double(row[k]) }
        let mean = total / Double(n)
        var squares: Double = 0
        for k in 0..<n { let d = Double(row[k]) - mean; squares += d * d }
        let inverse = Float(1 / (squares / Double(n) + Double(layerNormEpsilon)).squareRoot())
        let m = Float(mean)
        for k in 0..<n { row[k] = (row[k] - m) * inverse * norm.weight[k] + norm.bias[k] }
    }

    private func softmax(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        var top = -Float.infinity
        for k in 0..<n { top = max(top, row[k]) }
        var total: Float = 0
        for k in 0..<n { let e = expf(row[k] - top); row[k] = e; total += e }
        let inverse = 1 / total
        for k in 0..<n { row[k] *= inverse }
    }

    /// GELU with the exact error function, as Hugging Face's "gelu" (not the tanh approximation).
    private func gelu(_ values: UnsafeMutablePointer<Float>, _ count: Int) {
        for k in 0..<count { let v = values[k]; values[k] = 0.5 * v * (1 + Self.erf(v * 0.70710678118654752)) }
    }

    /// The error function to float precision: the rational minimax approximation on [-4, 4] that
    /// Eigen and XLA use (erf is ±1 in Float beyond). Unlike `erff` it has no branches or calls, so
    /// the GELU loop vectorises; that call was a seventh of the forward pass.
    @inline(__always)
    static func erf(_ a: Float) -> Float {
        let x = min(max(a, -4), 4)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }
}
