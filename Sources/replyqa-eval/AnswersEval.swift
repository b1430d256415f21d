import ArgumentParser
import Foundation
import Relevance

struct AnswersEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "Does the reply answer the question? `replyqa check` against hand labels A / G / W of the support dev batch.",
        discussion: """
            BATCH is the folder ../shared/tools/make-support-batch.py makes from support-conversations-dev.json \
            (each real reply with its own conversation and with a same-brand other one). The labels \
            (Tests/Evaluation/answers-labels.tsv) follow ../shared/data/answers-guideline.md: A answers, G is a \
            generic hand-off, W is about another issue. Reports, for all labels and for each labelling round \
            apart, the ROC AUC of the relevance score for A vs W (and the other pairings), and how often each \
            relevance rule fires on each label. With --fit-round N, fits the two models of \
            Dictionaries/relevance/semantic.yml on round N's labels and prints them.
            """)

    @Argument(help: "The batch folder.") var batch: String
    @Option(help: "The labels file.") var labels = "Tests/Evaluation/answers-labels.tsv"
    @Option(help: "The replyqa binary (default: the one beside this program).") var replyqa: String?
    @Option(help: "Read this saved `replyqa check --format json` output instead of running replyqa.") var fromJSON: String?
    @Option(help: "Fit semantic.yml's models on this round's labels and print them.") var fitRound: String?

    static let rules = ["ignores-question", "generic-reply", "off-topic", "unanswered-question"]

    /// One labelled pair as `check` judged it.
    struct Judged {
        var label: String
        var round: String
        var reply: CheckOutput.Reply
    }

    func run() throws {
        let dir = URL(fileURLWithPath: batch)
        let config = dir.appendingPathComponent("replyqa.yml").path
        let output = try fromJSON.map { try JSONDecoder().decode(CheckOutput.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? ReplyQACommand(path: replyqa).check([batch], config: FileManager.default.fileExists(atPath: config) ? config : nil)
        // "00312-r.eml" is pair 00312.
        let byPair = Dictionary(output.replies.map { (String(URL(fileURLWithPath: $0.file).lastPathComponent.prefix(5)), $0) },
                                uniquingKeysWith: { a, _ in a })
        guard let text = try? String(contentsOfFile: labels, encoding: .utf8) else { throw EvalError("cannot read \(labels)") }
        var judged: [Judged] = []
        var stale = 0, missing = 0
        for line in text.split(separator: "\n").dropFirst() where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { throw EvalError("\(labels): expected pair, checksum, label: \(line)") }
            guard let r = byPair[f[0]] else { missing += 1; continue }
            if FindingsEval.fnv((r.question?.text ?? "") + "|" + r.authored) != f[1] { stale += 1; continue }
            judged.append(Judged(label: f[2], round: f.count > 3 ? f[3] : "1", reply: r))
        }
        if stale > 0 || missing > 0 {
            print("\(stale) labels no longer match their pair's text; \(missing) pairs not in the batch")
        }
        if let round = fitRound { return try fit(judged.filter { $0.round == round }, round: round) }
        let rounds = Array(Set(judged.map(\.round))).sorted()
        report(judged, title: "all rounds")
        if rounds.count > 1 { for round in rounds { report(judged.filter { $0.round == round }, title: "round \(round)") } }
    }

    func report(_ judged: [Judged], title: String) {
        var scores: [String: [Double]] = [:], fired: [String: [String: Int]] = [:], counts: [String: Int] = [:]
        for j in judged {
            counts[j.label, default: 0] += 1
            scores[j.label, default: []].append(j.reply.relevance?.score ?? 1)
            for rule in Self.rules where j.reply.findings.contains(
                where: { $0.rule == rule }) { fired[rule, default: [:]][j.label, default: 0] += 1 }
        }
        print("\(title): labelled pairs " + ["A", "G", "W"].map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", "))
        for (a, b) in [("A", "W"), ("A", "G"), ("G", "W")] {
            print(String(format: "  relevance score ROC AUC, %@ vs %@: %.3f", a, b, RelevanceEval.auc(scores[a] ?? [], scores[b] ?? [])))
        }
        for rule in Self.rules {
            let f = fired[rule] ?? [:]
            let total = f.values.reduce(0, +)
            let parts = ["A", "G", "W"].map { l in String(format: "%@ %d of %d (%.0f%%)", l, f[l] ?? 0, counts[l] ?? 0,
                                                          100 * Double(f[l] ?? 0) / Double(max(1, counts[l] ?? 0))) }
            let target = rule == "generic-reply" ? "G" : "W"
            let precision = total == 0 ? "-" : String(format: "%.3f", Double(f[target] ?? 0) / Double(total))
            let recall = String(format: "%.3f", Double(f[target] ?? 0) / Double(max(1, counts[target] ?? 0)))
            print("  \(rule): fires on \(parts.joined(separator: ", ")); precision for \(target) \(precision), recall \(recall)")
        }
    }

    /// Fits `answers` (A against W) and `generic` (G against A and W) on the features `check` reports.
    func fit(_ judged: [Judged], round: String) throws {
        func features(_ r: CheckOutput.Reply) -> [Double]? {
            guard let rel = r.relevance, let similarity = rel.similarity, let handoff = rel.handoffLikeness else { return nil }
            let words = MeaningModel.meaningfulText(r.authored).split(separator: " ").count
            return [similarity, rel.overlap ?? 0, handoff, log(1 + Double(words))]
        }
        let rows = judged.compactMap { j in features(j.reply).map { (j.label, $0) } }
        guard rows.count >= 20 else { throw EvalError(
            "round \(round): \(rows.count) labelled pairs with semantic evidence; run check with the model") }
        let answers = Logistic.fit(rows.filter { $0.0 != "G" }.map { ($0.1, $0.0 == "A") }, use: [0])
        let generic = Logistic.fit(rows.map { ($0.1, $0.0 == "G") }, use: [0, 2, 3])
        func yaml(_ w: [Double]) -> String {
            String(format: "{intercept: %.2f, similarity: %.2f, overlap: %.2f, handoff_likeness: %.2f, log_words: %.2f}", w[0], w[1],
                   w[2], w[3], w[4])
        }
        print("# fitted on round \(round): \(rows.count) pairs")
        print("answers: \(yaml(answers))")
        print("generic: \(yaml(generic))")
    }
}

/// Logistic regression by gradient descent, on standardised features (a few hundred rows).
enum Logistic {
    /// Weights as [intercept, w0, w1, ...] for every feature; features not in `use` get 0.
    static func fit(_ rows: [([Double], Bool)], use: [Int], l2: Double = 0.01, steps: Int = 20_000) -> [Double] {
        let n = Double(rows.count), k = use.count
        let mean = use.map { i in rows.map { $0.0[i] }.reduce(0, +) / n }
        let sd = use.indices.map { j in max(1e-9, (rows.map { pow($0.0[use[j]] - mean[j], 2) }.reduce(0, +) / n).squareRoot()) }
        let x = rows.map { r in use.indices.map { (r.0[use[$0]] - mean[$0]) / sd[$0] } }
        let y = rows.map { $0.1 ? 1.0 : 0.0 }
        var w = [Double](repeating: 0, count: k + 1)
        for _ in 0..<steps {
            var g = [Double](repeating: 0, count: k + 1)
            for (xi, yi) in zip(x, y) {
                let z = w[0] + zip(w.dropFirst(), xi).map(*).reduce(0, +)
                let e = 1 / (1 + exp(-z)) - yi
                g[0] += e
                for j in 0..<k { g[j + 1] += e * xi[j] }
            }
            for j in 0...k { w[j] -= 0.5 * (g[j] / n + (j > 0 ? l2 * w[j] : 0)) }
        }
        // Back to the features' own units.
        var out = [Double](repeating: 0, count: (rows.first?.0.count ?? 0) + 1)
        out[0] = w[0] - use.indices.map { w[$0 + 1] * mean[$0] / sd[$0] }.reduce(0, +)
        for (j, i) in use.enumerated() { out[i + 1] = w[j + 1] / sd[j] }
        return out
    }
}
