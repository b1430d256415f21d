import ArgumentParser
import Foundation
import ReplyQACore

struct FindingsEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Precision of the findings `replyqa check` makes on a real batch, against hand labels.",
        discussion: """
            BATCH is a folder made by ../shared/tools/make-support-batch.py (its replyqa.yml and truth.json are \
            used). Runs `replyqa check BATCH --config BATCH/replyqa.yml --format json`, then reports how many \
            genuine replies (truth.json: relevant) are auto-failed or carry an error outside the relevance \
            rules, and each rule's precision over the labelled findings at --severity or above \
            (Tests/Evaluation/support-finding-labels.tsv; Tests/Evaluation/README.md is the guideline). \
            `--draw FILE` writes the findings that have no label yet, with their text, for labelling.
            """)

    @Argument(help: "The batch folder.") var batch: String
    @Option(help: "The labels file.") var labels = "Tests/Evaluation/support-finding-labels.tsv"
    @Option(help: "Count findings at this severity or above: error, warning or info.") var severity = "warning"
    @Option(help: "Write the unlabelled findings to this TSV file (with their text) for labelling.") var draw: String?
    @Option(help: "Write each rule's measured precision to this YAML file (Dictionaries/measured-precision.yml).")
    var writePrecision: String?
    @Option(help: "The replyqa binary (default: the one beside this program).") var replyqa: String?
    @Option(help: "Read this saved `replyqa check --format json` output instead of running replyqa (e.g. an earlier version's).")
    var fromJSON: String?
    @Flag(help: "List every false alarm.") var verbose = false

    /// Rules whose verdict depends on the customer's message: a finding is labelled per pair.
    static let relevanceRules: Set<String> = ["ignores-question", "off-topic", "unanswered-question", "generic-reply"]
    static let severities = ["info", "warning", "error"]

    /// One finding, named so that its label survives a re-run and a different batch order.
    struct Item {
        var key: String
        var file: String
        var rule: String
        var severity: String
        var text: String
        var message: String
        var reply: String
        var question: String
    }

    static func fnv(_ s: String) -> String {
        var h = StableHash()
        h.add(s.utf8)
        return h.hex
    }

    static func items(_ output: CheckOutput, minimum: Int) -> (all: [Item], byReply: [(CheckOutput.Reply, [Item])]) {
        var all: [Item] = [], byReply: [(CheckOutput.Reply, [Item])] = []
        var seen = Set<String>()
        for r in output.replies {
            var occurrences: [String: Int] = [:]
            var mine: [Item] = []
            for f in r.findings where (severities.firstIndex(of: f.severity) ?? 0) >= minimum {
                let question = relevanceRules.contains(f.rule) ? fnv(r.question?.text ?? "") : "-"
                let base = [fnv(r.authored), question, f.rule, fnv(f.text)].joined(separator: "|")
                let n = occurrences[base, default: 0]
                occurrences[base] = n + 1
                let item = Item(key: base + "|\(n)", file: URL(fileURLWithPath: r.file).lastPathComponent, rule: f.rule,
                                severity: f.severity,
                                text: f.text, message: f.message, reply: r.authored, question: r.question?.text ?? "")
                mine.append(item)
                // The same reply text in two pairs is one finding, labelled once (relevance rules excepted).
                if seen.insert(item.key).inserted { all.append(item) }
            }
            byReply.append((r, mine))
        }
        return (all, byReply)
    }

    func run() throws {
        guard let minimum = Self.severities.firstIndex(of: severity) else {
            throw ValidationError("--severity must be one of: error, warning, info")
        }
        let dir = URL(fileURLWithPath: batch)
        let config = dir.appendingPathComponent("replyqa.yml").path
        let output = try fromJSON.map { try JSONDecoder().decode(CheckOutput.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? ReplyQACommand(path: replyqa).check([batch], config: FileManager.default.fileExists(atPath: config) ? config : nil)
        let (items, byReply) = Self.items(output, minimum: minimum)

        // Genuine replies: the reply that really answered the conversation, when truth.json says so.
        var genuine: Set<String>? = nil
        if let data = try? Data(contentsOf: dir.appendingPathComponent("truth.json")),
           let truth = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] {
            genuine = Set(truth.filter { $0.value["relevant"] as? Bool == true }.map(\.key))
        }
        let real = byReply.filter { r, _ in genuine.map { g in r.messageID.map(g.contains) ?? false } ?? true }
        let autoFailed = real.filter { !($0.0.scores?.autoFailed ?? []).isEmpty }.count
        let withError = real.filter { r, _ in r.findings.contains { $0.severity == "error"
            && !Self.relevanceRules.contains($0.rule) } }.count
        func percent(_ n: Int, _ d: Int) -> String { String(format: "%d of %d (%.1f%%)", n, d, d == 0 ? 0 : Double(n) * 100 / Double(d)) }
        print("replies: \(output.replies.count), genuine: \(real.count)")
        print("genuine replies auto-failed: \(percent(autoFailed, real.count))")
        print("genuine replies with an error outside the relevance rules: \(percent(withError, real.count))")

        let (labels, labelRules) = try Self.readLabels(labels)
        var perRule: [String: (right: Int, labelled: Int, total: Int)] = [:]
        var falseAlarms: [Item] = []
        for item in items {
            perRule[item.rule, default: (0, 0, 0)].total += 1
            guard let right = labels[item.key] else { continue }
            perRule[item.rule, default: (0, 0, 0)].labelled += 1
            if right { perRule[item.rule, default: (0, 0, 0)].right += 1 } else { falseAlarms.append(item) }
        }
        print("\ndistinct findings at \(severity) or above: \(items.count), labelled: \(perRule.values.map(\.labelled).reduce(0, +))")
        print("rule\tfindings\tlabelled\tright\tprecision")
        for (rule, c) in perRule.sorted(by: { ($0.value.total, $1.key) > ($1.value.total, $0.key) }) {
            print("\(rule)\t\(c.total)\t\(c.labelled)\t\(c.right)\t"
                + (c.labelled > 0 ? String(format: "%.3f", Double(c.right) / Double(c.labelled)) : "-"))
        }
        let outside = perRule.filter { !Self.relevanceRules.contains($0.key) }.values
        let right = outside.map(\.right).reduce(0, +), labelled = outside.map(\.labelled).reduce(0, +)
        print(String(format: "overall outside the relevance rules: %d of %d right (%.3f)", right, labelled, labelled == 0
            ? 0 : Double(right) / Double(labelled)))
        let all = perRule.values
        let allRight = all.map(\.right).reduce(0, +), allLabelled = all.map(\.labelled).reduce(0, +)
        print(String(format: "overall: %d of %d right (%.3f)", allRight, allLabelled, allLabelled == 0
            ? 0 : Double(allRight) / Double(allLabelled)))
        if verbose { for f in falseAlarms { print(
            "  false alarm [\(f.rule)] “\(f.text.prefix(80))” in \(f.file): \(f.message.prefix(120))") } }

        if let draw {
            var rows = ["key\tfile\trule\tseverity\tlabel\tflagged\tmessage\treply\tcustomer"]
            for item in items where labels[item.key] == nil {
                rows.append([item.key, item.file, item.rule, item.severity, "", item.text, item.message, item.reply, item.question]
                    .map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ⏎ ") }
                        .joined(separator: "\t"))
            }
            try (rows.joined(separator: "\n") + "\n").write(toFile: draw, atomically: true, encoding: .utf8)
            print("\(rows.count - 1) unlabelled findings written to \(draw)")
        }
        if let writePrecision {
            var lines = ["# Precision of each rule's findings on real support replies: the share of its labelled findings that",
                         "# a reviewer judged right. Written by `replyqa-eval findings BATCH --write-precision FILE` over the",
                         "# support-conversations dev batch (../shared/tools/make-support-batch.py); `replyqa explain` shows it."]
            // Rules that were labelled once but make no finding now are listed with none.
            let labelledRules = Set(labelRules.values)
            for rule in Set(perRule.keys).union(labelledRules).sorted() {
                let c = perRule[rule] ?? (0, 0, 0)
                guard c.labelled > 0 || labelledRules.contains(rule) else { continue }
                lines.append("\(rule): {right: \(c.right), labelled: \(c.labelled), findings: \(c.total)}")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: writePrecision, atomically: true, encoding: .utf8)
        }
    }

    /// key -> right, and key -> rule, from a TSV whose header names the `key`, `rule` and `label`
    /// columns (label: right | false).
    static func readLabels(_ path: String) throws -> ([String: Bool], [String: String]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ([:], [:]) }
        var lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        guard !lines.isEmpty else { return ([:], [:]) }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard let k = header.firstIndex(of: "key"), let l = header.firstIndex(of: "label"), let r = header.firstIndex(of: "rule") else {
            throw EvalError("\(path): the header must name the columns key, rule and label")
        }
        var labels: [String: Bool] = [:], rules: [String: String] = [:]
        for (n, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(k, l, r) else { throw EvalError("\(path):\(n + 2): expected \(header.count) columns") }
            rules[fields[k]] = fields[r]
            switch fields[l] {
            case "right": labels[fields[k]] = true
            case "false": labels[fields[k]] = false
            default: throw EvalError("\(path):\(n + 2): label must be right or false, not “\(fields[l])”")
            }
        }
        return (labels, rules)
    }
}
