import Foundation
import ReplyQACore
import Synchronization
import XCTest
@testable import Semantic

/// The installed model and the reference embeddings of `Fixtures/reference.jsonl`, made once with
/// `minilm-reference.py` (numpy and Hugging Face `tokenizers`, matching sentence-transformers).
enum Reference {
    struct Case: Decodable {
        var text: String
        var ids: [Int32]
        var vector: [Float]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelDirectory = root.appendingPathComponent("Dictionaries").appendingPathComponent(SentenceEncoder.modelFolder)

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reference.jsonl")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { try! JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
    }()

    static let loaded: Result<SentenceEncoder, Error> = Result { try SentenceEncoder(modelDirectory: modelDirectory) }

    /// The encoder, or a test failure saying how to install the model (CI installs it; never skipped).
    static func encoder(file: StaticString = #filePath, line: UInt = #line) -> SentenceEncoder? {
        switch loaded {
        case let .success(encoder): return encoder
        case let .failure(error):
            XCTFail("all-MiniLM-L6-v2 is needed at \(modelDirectory.path): run `bash .ci/install` first (\(error))", file: file, line: line)
            return nil
        }
    }
}

final class ReferenceTests: XCTestCase {
    func testFixtureCoversTheCases() {
        let cases = Reference.cases
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        XCTAssertTrue(cases.contains { $0.ids.count == 256 }, "a text cut at 256 tokens")
        XCTAssertTrue(cases.contains { $0.text.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
        XCTAssertTrue(cases.contains { $0.text.unicodeScalars.contains { WordPieceTokenizer.isChineseCharacter($0.value) } })
    }

    func testTokenizerIDsMatchTheReference() {
        guard let encoder = Reference.encoder() else { return }
        var mismatches: [String] = []
        for c in Reference.cases where encoder.tokenizer.encode(c.text) != c.ids {
            mismatches.append("\(c.text.prefix(40)): \(encoder.tokenizer.encode(c.text)) vs. \(c.ids)")
        }
        XCTAssertEqual(mismatches, [], "token ids differ from the reference tokenizer")
    }

    func testEmbeddingsMatchTheReference() {
        guard let encoder = Reference.encoder() else { return }
        let cases = Reference.cases
        let vectors = encoder.encode(cases.map(\.text))
        var worstCosine: Float = 1
        var largestDifference: Float = 0
        for (c, v) in zip(cases, vectors) {
            XCTAssertEqual(v.count, 384)
            let cosine = SentenceEncoder.cosine(v, c.vector)
            XCTAssertGreaterThanOrEqual(cosine, 0.999, c.text)
            worstCosine = min(worstCosine, cosine)
            largestDifference = max(largestDifference, zip(v, c.vector).map { abs($0 - $1) }.max() ?? 0)
        }
        // The fixture is rounded to 6 decimals: agreement to a few 1e-6 is all it can show.
        XCTAssertLessThan(largestDifference, 2e-5, "largest difference from the reference")
        print("reference agreement over \(cases.count) texts: min cosine \(worstCosine), max abs difference \(largestDifference)")
    }

    func testBatchingAndThreadsGiveTheSameVectors() {
        guard let encoder = Reference.encoder() else { return }
        let texts = Reference.cases.map(\.text)
        let batch = encoder.encode(texts)
        let single = texts.map { encoder.encode($0) }
        let threaded = encoder.encode(texts, threads: 3)
        for i in texts.indices {
            XCTAssertLessThan(zip(batch[i], single[i]).map { abs($0 - $1) }.max() ?? 1, 1e-5, texts[i])
            XCTAssertLessThan(zip(batch[i], threaded[i]).map { abs($0 - $1) }.max() ?? 1, 1e-5, texts[i])
        }
    }

    func testConcurrentCallersGetTheirOwnVectors() {
        guard let encoder = Reference.encoder() else { return }
        let cases = Reference.cases
        let results = Mutex<[Int: [Float]]>([:])
        DispatchQueue.concurrentPerform(iterations: cases.count) { i in
            let v = encoder.encode(cases[i].text)
            results.withLock { $0[i] = v }
        }
        let vectors = results.withLock { $0 }
        for (i, c) in cases.enumerated() {
            XCTAssertGreaterThanOrEqual(SentenceEncoder.cosine(vectors[i] ?? [], c.vector), 0.999, c.text)
        }
    }

    func testSimilarRepliesAreCloserThanUnrelatedOnes() {
        guard let encoder = Reference.encoder() else { return }
        let v = encoder.encode([
            "How do I reset my password?",
            "You can choose a new password from the link on the sign-in page.",
            "Your parcel was delivered to the front desk this morning.",
        ])
        XCTAssertGreaterThan(SentenceEncoder.cosine(v[0], v[1]), SentenceEncoder.cosine(v[0], v[2]) + 0.2)
        XCTAssertEqual(SentenceEncoder.cosine(v[0], v[0]), 1, accuracy: 1e-5)
    }

    func testTheLocatorFindsTheInstalledModel() throws {
        guard Reference.encoder() != nil else { return }
        var config = Configuration()
        config.dictionaries = Reference.root.appendingPathComponent("Dictionaries").path
        let encoder = try SentenceEncoder(locator: DictionaryLocator(config: config, environment: [:]))
        XCTAssertEqual(encoder.dimension, 384)
    }
}
