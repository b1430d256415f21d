import ArgumentParser
import Foundation

/// `replyqa-bench batch`: `replyqa check --out` on a whole batch, on one thread and on every core,
/// beside the do-it-yourself Python stack when it is set up.
struct BatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "`replyqa check --out` on a batch: one thread vs every core, and vs the Python peer stack.",
        discussion: """
        Runs `replyqa check DIR --config FILE --out TMP --quiet` with `--threads 1` and with the default \
        (one thread per core), and, with --peer, the Python stack a QA team would assemble instead \
        (`../shared/tools/peer-setup.sh VENV`, then --peer VENV/bin/python --peer-script \
        ../shared/tools/peer-pipeline.py), in alternating order, several times each. Reports the median \
        wall and CPU seconds, peak memory, and each as a ratio to the others in the same run. Make the \
        batch with ../shared/tools/make-support-batch.py.
        """)

    @Argument(help: ArgumentHelp("The batch folder (mail files and its replyqa.yml).", valueName: "dir")) var batch: String
    @Option(help: ArgumentHelp("The batch's configuration (default: DIR/replyqa.yml).", valueName: "file")) var config: String?
    @Option(help: "The replyqa executable to time (build it with -c release).") var replyqa = ".build/release/replyqa"
    @Option(help: "Runs of each (the median is reported).") var runs = 3
    @Option(help: ArgumentHelp("The Python interpreter of the peer stack's virtual environment.", valueName: "python")) var peer: String?
    @Option(name: .customLong("peer-script"), help: ArgumentHelp("The peer pipeline script.", valueName: "file"))
    var peerScript = "../shared/tools/peer-pipeline.py"

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --product replyqa")
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-batch-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let check = ["check", batch, "--config", config ?? (batch as NSString).appendingPathComponent("replyqa.yml"),
                     "--out", out, "--quiet"]
        var contenders: [(name: String, executable: String, arguments: [String])] = [
            ("replyqa, 1 thread", replyqa, check + ["--threads", "1"]),
            ("replyqa, every core (\(ProcessInfo.processInfo.activeProcessorCount))", replyqa, check),
        ]
        // The same check with word overlap alone: what reading meaning (the sentence-embedding model) costs.
        let configFile = config ?? (batch as NSString).appendingPathComponent("replyqa.yml")
        let overlapOnly = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-batch-bench-\(getpid()).yml").path
        defer { try? FileManager.default.removeItem(atPath: overlapOnly) }
        let configText = (try? String(contentsOfFile: configFile, encoding: .utf8)) ?? ""
        if !configText.split(separator: "\n").contains(where: { $0.hasPrefix("relevance:") }) {
            try (configText + "\nrelevance: {semantic: false}\n").write(toFile: overlapOnly, atomically: true, encoding: .utf8)
            var overlapCheck = check
            overlapCheck[3] = overlapOnly
            contenders.append(("replyqa, every core, no model", replyqa, overlapCheck))
        }
        if let peer { contenders.append(("Python peer stack", peer, [peerScript, batch])) }
        var results = Array(repeating: [ChildRun](), count: contenders.count)
        for round in 0..<max(1, runs) {
            // Alternate the order so neither side always runs on a warmer machine.
            let order = round % 2 == 0 ? Array(contenders.indices) : contenders.indices.reversed()
            for k in order {
                try? FileManager.default.removeItem(atPath: out)
                let r = try runChild(contenders[k].executable, contenders[k].arguments, timeout: 1800)
                guard r.status == 0, !r.timedOut else {
                    throw ValidationError("\(contenders[k].name) failed (status \(r.status)\(r.timedOut ? ", timed out" : ""))")
                }
                results[k].append(r)
            }
        }
        let wall = results.map { median($0.map(\.seconds)) }, cpu = results.map { median($0.map(\.cpuSeconds)) }
        print("median of \(runs) alternating runs of each")
        print("contender                          wall s    CPU s   peak RSS MB")
        for (k, c) in contenders.enumerated() {
            let peak = Double(results[k].map(\.peakBytes).max() ?? 0) / 1_048_576
            print(c.name.padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(format: "  %7.2f  %7.2f  %12.1f", wall[k], cpu[k], peak))
        }
        print(String(format: "every core vs one thread: %.2f times as fast (wall)", wall[0] / wall[1]))
        if let k = contenders.firstIndex(where: { $0.name.hasSuffix("no model") }) {
            print(String(format: "reading meaning costs %.2f CPU s on this batch (%.2f times the CPU of the check without it)",
                         cpu[1] - cpu[k], cpu[1] / max(cpu[k], 0.001)))
        }
        if let k = contenders.firstIndex(where: { $0.name == "Python peer stack" }) {
            print(String(format: "replyqa (every core) vs the Python peer: %.1f times as fast (wall), %.1f times less CPU",
                         wall[k] / wall[1], cpu[k] / cpu[1]))
        }
    }
}
