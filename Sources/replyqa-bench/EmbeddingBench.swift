import ArgumentParser
import Foundation
import ReplyQACore
import Semantic

/// Sentence-embedding throughput of all-MiniLM-L6-v2 at typical reply lengths.
struct EmbeddingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedding",
        abstract: "all-MiniLM-L6-v2 sentence embeddings per second at 20, 50 and 120 tokens, on one thread and on two cores.",
        discussion: """
        Generates support-reply-like texts of exactly each length in model tokens ([CLS] and [SEP] \
        included) and times: one text per call on one thread; a whole batch on one thread; the batch \
        shared out over two threads (OpenBLAS single-threaded, the encoder's default); and the batch on \
        one thread with OpenBLAS using two threads. Wall-time figures are the median of several runs; \
        CPU time (all threads) is their mean, and shows the work done when the machine is shared.
        """)

    @Option(help: "The model folder (default: Dictionaries/models/all-minilm-l6-v2).") var model: String?
    @Option(help: "Text lengths in tokens, comma-separated.") var lengths = "20,50,120"
    @Option(help: "Texts per length.") var texts = 256
    @Option(help: "Runs of each measurement.") var runs = 5
    @Option(help: "Random seed.") var seed: UInt64 = 7

    static let vocabulary = ("thanks for reaching out I have checked your order and the refund was issued today it should appear " +
        "on your card within five business days please let me know if the tracking link does not update the parcel left our " +
        "warehouse on Monday and the courier expects delivery by Thursday sorry for the trouble we replaced the charger under " +
        "warranty your account password was reset you can sign in with the new link subscription renews next month invoice " +
        "attached our team will follow up shortly best regards").split(separator: " ").map(String.init)

    func run() throws {
        let encoder = try model.map { try SentenceEncoder(modelDirectory: URL(fileURLWithPath: $0)) }
            ?? SentenceEncoder(locator: DictionaryLocator(config: Configuration()))
        var rng = SeededRandom(seed: seed)
        print("tokens   mode                                   texts/s   ms per text   CPU ms per text")
        for length in lengths.split(separator: ",").compactMap({ Int($0) }) {
            let batch = (0..<texts).map { _ in text(tokens: length, encoder: encoder, rng: &rng) }
            let modes: [(String, () -> Void)] = [
                ("1 thread, one text per call", { for t in batch { _ = encoder.encode(t) } }),
                ("1 thread, batch", { _ = encoder.encode(batch) }),
                ("2 threads over texts, BLAS 1 thread", { _ = encoder.encode(batch, threads: 2) }),
                ("1 thread, BLAS 2 threads", { _ = encoder.encode(batch) }),
            ]
            for (i, (name, body)) in modes.enumerated() {
                SentenceEncoder.setBLASThreads(i == 3 ? 2 : 1)
                body()  // warm-up: pages in the weights, sizes the scratch buffers
                let cpuStart = Self.cpuSeconds()
                let seconds = median((0..<runs).map { _ in
                    let start = DispatchTime.now().uptimeNanoseconds
                    body()
                    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                })
                let cpu = (Self.cpuSeconds() - cpuStart) / Double(runs * texts)
                print(String(format: "%6d   ", length) + name.padding(toLength: 37, withPad: " ", startingAt: 0)
                      + String(format: "   %7.0f   %11.2f   %15.2f", Double(texts) / seconds, seconds / Double(texts) * 1e3, cpu * 1e3))
            }
            SentenceEncoder.setBLASThreads(1)
        }
    }

    /// CPU time of the whole process (every thread): on a shared machine it shows the work done
    /// when wall time also counts waiting for a core.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A reply-like text of exactly `tokens` model tokens: random words until it is long enough, the
    /// overshoot of a last multi-piece word trimmed and made up with one-piece words.
    func text(tokens: Int, encoder: SentenceEncoder, rng: inout SeededRandom) -> String {
        var words: [String] = []
        while encoder.tokenizer.encode(words.joined(separator: " ")).count < tokens {
            words.append(Self.vocabulary[Int(rng.next() % UInt64(Self.vocabulary.count))])
            if rng.next() % 9 == 0 { words[words.count - 1] += "." }
        }
        while encoder.tokenizer.encode(words.joined(separator: " ")).count > tokens, !words.isEmpty { words.removeLast() }
        while encoder.tokenizer.encode(words.joined(separator: " ")).count < tokens { words.append("ok") }
        return words.joined(separator: " ")
    }
}
