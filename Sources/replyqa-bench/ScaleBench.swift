import ArgumentParser
import Foundation

/// `replyqa-bench scale`: `replyqa check --out` on the same real batch made 1, 10 and 50 times as
/// large, to show that time per reply and peak memory do not grow with the batch.
struct ScaleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "`replyqa check --out` on a real batch at growing sizes: time per reply and peak memory.",
        discussion: """
        Makes each batch with ../shared/tools/make-support-batch.py CONVERSATIONS --copies N (each copy \
        a new set of messages with their own ids), runs `replyqa check DIR --config DIR/replyqa.yml --out TMP \
        --quiet` on it, and reports the median wall and CPU seconds, CPU ms per reply and peak resident \
        memory, then each size against the smallest: CPU per reply and peak memory as ratios.
        """)

    @Argument(help: ArgumentHelp("The conversations file (../shared/data/support-conversations-dev.json).", valueName: "file"))
    var conversations: String
    @Option(help: "Copies of the batch, comma-separated.") var copies = "1,10,50"
    @Option(help: "The replyqa executable to time (build it with -c release).") var replyqa = ".build/release/replyqa"
    @Option(name: .customLong("make-batch"), help: ArgumentHelp("The batch maker script.", valueName: "file"))
    var makeBatch = "../shared/tools/make-support-batch.py"
    @Option(help: "Runs of each size (the median is reported).") var runs = 1

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --product replyqa")
        }
        let counts = copies.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--copies: whole numbers above 0, comma-separated")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-scale-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: work) }
        print("copies   replies    wall s     CPU s   CPU ms/reply   peak RSS MB")
        var rows: [(replies: Int, cpuPerReply: Double, peak: Int)] = []
        for n in counts {
            let dir = work.appendingPathComponent("batch-\(n)").path
            let made = try runChild("/usr/bin/env", ["python3", makeBatch, "--copies", String(n), conversations, dir], timeout: 1800)
            guard made.status == 0 else { throw ValidationError("\(makeBatch) failed (status \(made.status))") }
            let replies = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix("-r.eml") }.count
            let out = work.appendingPathComponent("out-\(n)").path
            var runsOfSize: [ChildRun] = []
            for _ in 0..<max(1, runs) {
                try? FileManager.default.removeItem(atPath: out)
                let r = try runChild(replyqa, ["check", dir, "--config", (dir as NSString).appendingPathComponent("replyqa.yml"),
                                               "--out", out, "--quiet"], timeout: 7200)
                guard r.status == 0, !r.timedOut else { throw ValidationError("replyqa check failed on \(n) copies (status \(r.status))") }
                runsOfSize.append(r)
            }
            try? FileManager.default.removeItem(atPath: dir)
            let cpu = median(runsOfSize.map(\.cpuSeconds)), peak = runsOfSize.map(\.peakBytes).max() ?? 0
            let perReply = cpu * 1000 / Double(max(replies, 1))
            rows.append((replies, perReply, peak))
            print(String(format: "%6d  %8d  %8.1f  %8.1f  %13.2f  %12.1f", n, replies, median(runsOfSize.map(\.seconds)), cpu, perReply,
                         Double(peak) / 1_048_576))
        }
        guard let first = rows.first else { return }
        for r in rows.dropFirst() {
            print(String(format: "%d → %d replies: CPU per reply ×%.2f, peak RSS ×%.2f", first.replies, r.replies,
                         r.cpuPerReply / max(first.cpuPerReply, 0.0001), Double(r.peak) / Double(max(first.peak, 1))))
        }
    }
}
