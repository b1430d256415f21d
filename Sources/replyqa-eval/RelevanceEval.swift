import ArgumentParser
import Foundation
import ReplyQACore
import Relevance

struct RelevanceEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relevance",
        abstract: "Relevance on support-conversations-dev.json: each agent reply against its own conversation and a random other of the same brand.",
        discussion: "Reports the ROC AUC of the relevance score and the precision of `off-topic` (score below the threshold) at its default threshold. Customer @handles are removed so only content counts.")

    @Argument(help: "The support-conversations JSON file.") var path: String
    @Option(help: "Random seed for the negative pairs.") var seed: UInt64 = 7
    @Option(help: "The off-topic threshold.") var threshold = RelevanceScorer.offTopicThreshold

    struct Conversation: Decodable {
        struct Turn: Decodable {
            var message: String
            var agent: String?
        }
        struct Agent: Decodable { var url_utterance: String }
        struct Header: Decodable { var company: String }
        var agentURL: Agent
        var dialogContent: [Turn]
        var dialogHeader: Header
    }

    /// Probability that a random own pair outscores a random other pair (ties count half).
    static func auc(_ positives: [Double], _ negatives: [Double]) -> Double {
        let sortedPositives = positives.sorted()
        var wins = 0.0
        for n in negatives {
            let below = sortedPositives.partitioningIndex { $0 >= n }
            let equalEnd = sortedPositives.partitioningIndex { $0 > n }
            wins += Double(sortedPositives.count - equalEnd) + 0.5 * Double(equalEnd - below)
        }
        return wins / Double(max(1, positives.count * negatives.count))
    }

    func run() throws {
        let conversations = try JSONDecoder().decode([Conversation].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        func clean(_ s: String) -> String { s.replacingOccurrences(of: #"@\w+"#, with: " ", options: .regularExpression) }
        let questions = conversations.map { c in clean(c.dialogContent.filter { $0.agent == nil }.map(\.message).joined(separator: "\n")) }
        let replies = conversations.map { clean($0.agentURL.url_utterance) }
        let scorer = RelevanceScorer(extractor: TermExtractor(lexicon: try RelevanceLexicon.load(locator: DictionaryLocator(config: Configuration()))))
        var stats = TermStatistics()
        for t in questions + replies { stats.add(scorer.extractor.terms(scorer.extractor.tokens(t))) }
        var rng = SeededGenerator(seed: seed)
        var byBrand: [String: [Int]] = [:]
        for (i, c) in conversations.enumerated() { byBrand[c.dialogHeader.company, default: []].append(i) }
        var positives: [Double] = [], negatives: [Double] = []
        var parts: [String: ([Double], [Double])] = [:]
        for i in conversations.indices {
            let others = byBrand[conversations[i].dialogHeader.company]!.filter { $0 != i }
            guard let j = others.randomElement(using: &rng) else { continue }
            let p = scorer.score(reply: replies[i], question: questions[i], stats: stats)
            let n = scorer.score(reply: replies[i], question: questions[j], stats: stats)
            positives.append(p.score)
            negatives.append(n.score)
            for (name, f) in [("coverage", { (r: RelevanceResult) in r.coverage }), ("entities", { $0.entities ?? -1 }), ("typefit", { $0.typeFit ?? -1 }), ("listening", { $0.listening })] {
                parts[name, default: ([], [])].0.append(f(p)); parts[name, default: ([], [])].1.append(f(n))
            }
        }
        if ProcessInfo.processInfo.environment["RELEVANCE_PARTS"] != nil {
            for (name, v) in parts.sorted(by: { $0.key < $1.key }) { print(name, String(format: "%.3f", Self.auc(v.0, v.1))) }
        }
        let auc = Self.auc(positives, negatives)
        let flaggedNegatives = negatives.filter { $0 < threshold }.count, flaggedPositives = positives.filter { $0 < threshold }.count
        print("pairs: \(positives.count) own, \(negatives.count) same-brand other")
        print(String(format: "relevance ROC AUC: %.3f", auc))
        print(String(format: "off-topic at threshold %.2f: %d flagged, precision %.3f (flags on other conversations), %.1f%% of own replies flagged",
                     threshold, flaggedNegatives + flaggedPositives, Double(flaggedNegatives) / Double(max(1, flaggedNegatives + flaggedPositives)),
                     100 * Double(flaggedPositives) / Double(positives.count)))
    }
}

/// A small deterministic generator (splitmix64) for reproducible sampling.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

extension Array {
    /// First index where `belongs` turns true, for an array sorted so it does once.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi { let mid = (lo + hi) / 2; if belongs(self[mid]) { hi = mid } else { lo = mid + 1 } }
        return lo
    }
}
