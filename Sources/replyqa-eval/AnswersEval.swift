import ArgumentParser
import Foundation

struct AnswersEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "Does the reply answer the question? `replyqa check` against hand labels A / G / W of the support dev batch.",
        discussion: """
            BATCH is the folder ../shared/tools/make-support-batch.py makes from support-conversations-dev.json \
            (each real reply with its own conversation and with a same-brand other one). The labels \
            (Tests/Evaluation/answers-labels.tsv) follow ../shared/data/answers-guideline.md: A answers, G is a \
            generic hand-off, W is about another issue. Reports the ROC AUC of the relevance score for A vs W \
            (and the other pairings), and how often each relevance rule fires on each label.
            """)

    @Argument(help: "The batch folder.") var batch: String
    @Option(help: "The labels file.") var labels = "Tests/Evaluation/answers-labels.tsv"
    @Option(help: "The replyqa binary (default: the one beside this program).") var replyqa: String?
    @Option(help: "Read this saved `replyqa check --format json` output instead of running replyqa.") var fromJSON: String?

    static let rules = ["ignores-question", "generic-reply", "off-topic", "unanswered-question"]

    func run() throws {
        let dir = URL(fileURLWithPath: batch)
        let config = dir.appendingPathComponent("replyqa.yml").path
        let output = try fromJSON.map { try JSONDecoder().decode(CheckOutput.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? ReplyQACommand(path: replyqa).check([batch], config: FileManager.default.fileExists(atPath: config) ? config : nil)
        // "00312-r.eml" is pair 00312.
        let byPair = Dictionary(output.replies.map { (String(URL(fileURLWithPath: $0.file).lastPathComponent.prefix(5)), $0) }, uniquingKeysWith: { a, _ in a })
        guard let text = try? String(contentsOfFile: labels, encoding: .utf8) else { throw EvalError("cannot read \(labels)") }
        var scores: [String: [Double]] = [:], fired: [String: [String: Int]] = [:], counts: [String: Int] = [:]
        var stale = 0, missing = 0
        for line in text.split(separator: "\n").dropFirst() where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { throw EvalError("\(labels): expected pair, checksum, label: \(line)") }
            guard let r = byPair[f[0]] else { missing += 1; continue }
            if FindingsEval.fnv((r.question?.text ?? "") + "|" + r.authored) != f[1] { stale += 1; continue }
            let label = f[2]
            counts[label, default: 0] += 1
            scores[label, default: []].append(r.relevance?.score ?? 1)
            for rule in Self.rules where r.findings.contains(where: { $0.rule == rule }) { fired[rule, default: [:]][label, default: 0] += 1 }
        }
        print("labelled pairs: " + ["A", "G", "W"].map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
              + (stale > 0 ? "; \(stale) labels no longer match their pair's text" : "") + (missing > 0 ? "; \(missing) pairs not in the batch" : ""))
        for (a, b) in [("A", "W"), ("A", "G"), ("G", "W")] {
            print(String(format: "relevance score ROC AUC, %@ vs %@: %.3f", a, b, RelevanceEval.auc(scores[a] ?? [], scores[b] ?? [])))
        }
        for rule in Self.rules {
            let f = fired[rule] ?? [:]
            let total = f.values.reduce(0, +)
            let parts = ["A", "G", "W"].map { l in String(format: "%@ %d of %d (%.0f%%)", l, f[l] ?? 0, counts[l] ?? 0, 100 * Double(f[l] ?? 0) / Double(max(1, counts[l] ?? 0))) }
            let target = rule == "generic-reply" ? "G" : "W"
            let precision = total == 0 ? "-" : String(format: "%.3f", Double(f[target] ?? 0) / Double(total))
            print("\(rule): fires on \(parts.joined(separator: ", ")); precision for \(target): \(precision)")
        }
    }
}
