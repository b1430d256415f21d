import ArgumentParser
import Foundation
import NearDuplicates
import ReplyQACore
import Relevance

struct RelevanceEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relevance",
        abstract: "Relevance on support-conversations-dev.json: each agent reply against its own conversation and a random other of the " +
            "same brand.",
        discussion: "Reports the ROC AUC of the relevance score and the precision of `off-topic` (score below the threshold) at its " +
            "default threshold. Customer @handles are removed so only content counts.")

    @Argument(help: "The support-conversations JSON file.") var path: String
    @Option(help: "Random seed for the negative pairs.") var seed: UInt64 = 7

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
        let conversations = try SupportConversation.load(path)
        func clean(_ s: String) -> String { s.replacingOccurrences(of: #"@\w+"#, with: " ", options: .regularExpression) }
        let questions = conversations.map { clean($0.customerText) }
        let replies = conversations.map { clean($0.reply) }
        let scorer = RelevanceScorer(extractor: TermExtractor(
            lexicon: try RelevanceLexicon.load(locator: DictionaryLocator(config: Configuration()))))
        var stats = TermStatistics()
        for t in questions + replies { stats.add(scorer.extractor.terms(scorer.extractor.tokens(t))) }
        var rng = SeededRandom(seed: seed)
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
            for (name, f) in [("coverage", { (r: RelevanceResult) in r.coverage }), ("entities", { $0.entities ?? -1 }),
                              ("typefit", { $0.typeFit ?? -1 }), ("listening", { $0.listening })] {
                parts[name, default: ([], [])].0.append(f(p)); parts[name, default: ([], [])].1.append(f(n))
            }
        }
        if ProcessInfo.processInfo.environment["RELEVANCE_PARTS"] != nil {
            for (name, v) in parts.sorted(by: { $0.key < $1.key }) { print(name, String(format: "%.3f", Self.auc(v.0, v.1))) }
        }
        let auc = Self.auc(positives, negatives)
        print("pairs: \(positives.count) own, \(negatives.count) same-brand other")
        print(String(format: "relevance ROC AUC: %.3f", auc))

        // The off-topic finding as the checker raises it, on own and other pairs.
        let checker = RelevanceChecker(lexicon: scorer.extractor.lexicon)
        var batch = BatchContext()
        batch[TermStatistics.self] = stats
        func offTopic(_ reply: String, _ question: String) -> Bool {
            let r = Reply(file: "", messageID: nil, agent: "", channel: "social", date: nil, subject: nil, fromAddress: nil, recipients: [],
                          authored: reply, signature: nil, footer: nil, quoted: nil,
                          question: CustomerQuestion(text: question, source: .thread), attachments: [])
            return checker.check(r, in: CheckContext(config: Configuration(), batch: batch)).contains { $0.rule == "off-topic" }
        }
        var rng2 = SeededRandom(seed: seed)
        var ownFlags = 0, otherFlags = 0, pairs = 0
        for i in conversations.indices {
            let others = byBrand[conversations[i].dialogHeader.company]!.filter { $0 != i }
            guard let j = others.randomElement(using: &rng2) else { continue }
            pairs += 1
            if offTopic(replies[i], questions[i]) { ownFlags += 1 }
            if offTopic(replies[i], questions[j]) { otherFlags += 1 }
        }
        print(String(
            format: "off-topic findings (default rule): %d on other conversations, %d on own: precision %.3f; %.1f%% of own replies " +
                "flagged",
                     otherFlags, ownFlags, Double(otherFlags) / Double(max(1, otherFlags + ownFlags)),
                         100 * Double(ownFlags) / Double(pairs)))

        // Canned replies among the agents' answers.
        let normalizer = try TemplateNormalizer(locator: DictionaryLocator(config: Configuration())), hasher = MinHasher()
        var sizes: [Int] = []
        let signatures = replies.map { t -> [UInt32] in
            let s = MinHasher.shingles(normalizer.words(t)); sizes.append(s.count); return hasher.signature(s)
        }
        let clusters = NearDuplicateClusterer().clusters(signatures, sizes: sizes)
        print("near-duplicate clusters among the \(replies.count) agent replies: \(clusters.count), covering " +
            "\(clusters.map(\.members.count).reduce(0, +)) replies")
        for c in clusters.prefix(5) {
            print("  \(c.members.count) x " +
                "(\(Set(c.members.map { conversations[$0].dialogHeader.company }).sorted().joined(separator: ", "))): " +
                    "\(replies[c.members[0]].prefix(90).replacingOccurrences(of: "\n", with: " "))")
        }
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
