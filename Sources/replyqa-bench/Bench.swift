import ArgumentParser
import Foundation
import NearDuplicates
import ReplyPipeline
import ReplyQACore
import Spelling
import TextAnalysis

/// Speed measurements; every benchmark of the project lives here.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replyqa-bench",
        abstract: "Measure ReplyQA's speed (build with -c release for real figures).",
        subcommands: [ScaleBench.self, SpellingBench.self, SpellingWorker.self, LintLatency.self, ClusteringBench.self,
                      MessageSizeBench.self, EmbeddingBench.self,
                      HelpdeskBench.self, ServeBench.self, LintBench.self, LintStartupWorker.self, BatchBench.self])
}

/// Median of several runs, in seconds.
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}

/// Runs a program and returns its wall time and standard output. Uses posix_spawn directly:
/// Foundation's Process adds tens of milliseconds of its own on Linux.
func timed(_ executable: String, _ arguments: [String]) throws -> (seconds: Double, output: String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-out-\(getpid())")
    defer { unlink(output.path) }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard rc == 0 else { throw ValidationError("cannot run \(executable): error \(rc)") }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (seconds, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
}

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

struct SpellingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spelling",
        abstract: "ReplyQA's spelling check vs. `hunspell -l` over the same extracted reply text, side by side.",
        discussion: """
        Extracts the authored text of every reply under PATH, then times, alternately and as whole \
        processes (dictionary load included), `hunspell -l -d en_US` and ReplyQA's checker listing \
        misspellings (no suggestions, as -l makes none). Also times the checker with suggestions.
        """)

    @Argument(help: "Mail to extract text from.") var path = "Samples"
    @Option(help: "Configuration file.") var config: String?
    @Option(help: "Runs of each command.") var runs = 11

    func run() throws {
        let configuration = try Configuration.load(path: config
            ?? (FileManager.default.fileExists(atPath: "\(path)/replyqa.yml") ? "\(path)/replyqa.yml" : nil))
        let result = BatchProcessor(config: configuration).run(paths: [path])
        let text = result.replies.map(\.reply.authored).joined(separator: "\n\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-\(getpid()).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let words = text.split(whereSeparator: { $0.isWhitespace }).count
        guard let hunspell = which("hunspell") else { throw ValidationError(
            "hunspell is not installed (Debian: apt-get install hunspell)") }
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        // The same text 20 times over shows checking speed once the dictionary is loaded; an empty
        // file shows what loading alone costs each program.
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-\(getpid())-x20.txt")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-\(getpid())-empty.txt")
        try Array(repeating: text, count: 20).joined(separator: "\n\n").write(to: big, atomically: true, encoding: .utf8)
        try "".write(to: empty, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: big); try? FileManager.default.removeItem(at: empty) }
        var t: [String: [Double]] = [:]
        var theirList = "", ourList = ""
        for _ in 0..<runs {
            let h = try timed(hunspell, ["-l", "-d", "en_US", file.path]); t["h", default: []].append(h.seconds); theirList = h.output
            let o = try timed(me, ["spelling-worker", file.path]); t["o", default: []].append(o.seconds); ourList = o.output
            t["os", default: []].append(try timed(me, ["spelling-worker", "--suggest", file.path]).seconds)
            t["h0", default: []].append(try timed(hunspell, ["-l", "-d", "en_US", empty.path]).seconds)
            t["o0", default: []].append(try timed(me, ["spelling-worker", empty.path]).seconds)
            t["h20", default: []].append(try timed(hunspell, ["-l", "-d", "en_US", big.path]).seconds)
            t["o20", default: []].append(try timed(me, ["spelling-worker", big.path]).seconds)
        }
        let m = t.mapValues(median)
        func ms(_ k: String) -> Double { m[k]! * 1000 }
        print("text: \(result.replies.count) replies, \(words) words; medians of \(runs) alternating runs, whole processes")
        print(String(format: "hunspell -l:             %6.1f ms (%d distinct words flagged); empty file %5.1f ms; text x20 %6.1f ms",
                     ms("h"), Set(theirList.split(separator: "\n")).count, ms("h0"), ms("h20")))
        print(String(format: "replyqa spelling (list): %6.1f ms (%d distinct words flagged); empty file %5.1f ms; text x20 %6.1f ms",
                     ms("o"), Set(ourList.split(separator: "\n")).count, ms("o0"), ms("o20")))
        print(String(format: "replyqa spelling with suggestions: %.1f ms", ms("os")))
        print(String(format: "speed ratio hunspell / replyqa, whole run on the Samples text: %.2f", m["h"]! / m["o"]!))
        print(String(format: "speed ratio hunspell / replyqa, checking only (x20 text minus empty file): %.2f (above 1: ReplyQA is faster)",
                     (m["h20"]! - m["h0"]!) / max(m["o20"]! - m["o0"]!, 1e-6)))
    }
}

/// The process `spelling` times: load the dictionary, check a file, print the flagged words.
struct SpellingWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spelling-worker", shouldDisplay: false)
    @Argument var file: String
    @Flag var suggest = false

    func run() throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let service = try SpellingService(config: Configuration())
        let t1 = DispatchTime.now().uptimeNanoseconds
        let checker = SpellingChecker(service: service)
        let speller = service.speller(for: "en_US")!
        let t2 = DispatchTime.now().uptimeNanoseconds
        let findings = checker.check(text, speller: speller, suggest: suggest, maxSuggestions: .max)
        let t3 = DispatchTime.now().uptimeNanoseconds
        if ProcessInfo.processInfo.environment["REPLYQA_BENCH_TRACE"] != nil {
            let t4 = DispatchTime.now().uptimeNanoseconds
            _ = Tokenizer().tokenize(text)
            let t5 = DispatchTime.now().uptimeNanoseconds
            _ = checker.check(text, speller: speller, suggest: suggest, maxSuggestions: .max)
            let t6 = DispatchTime.now().uptimeNanoseconds
            FileHandle.standardError.write(
                Data(("service \((t1 - t0) / 1_000_000) ms, dictionary \((t2 - t1) / 1_000_000) ms, check \((t3 - t2) / 1_000_000) ms, " +
                    "tokenize again \((t5 - t4) / 1_000_000) ms, check again \((t6 - t5) / 1_000_000) ms\n").utf8))
        }
        var out = ""
        for f in findings where f.rule == "spelling" { out += text.text(at: f.span) + "\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
        // Like `replyqa lint`, leave without tearing the dictionary down.
        Foundation.exit(0)
    }
}

/// Nearest-rank percentile of sorted values.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
}

struct LintLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint-latency",
        abstract: "Latency of `replyqa lint`, one process per reply, over every agent reply under PATH.",
        discussion: "Each reply is written to its own file (mbox messages are split out) and linted with --format json, several rounds; " +
            "reports the median and 95th percentile of all runs.")

    @Argument(help: "Mail whose agent replies are linted.") var path = "Samples"
    @Option(help: "The replyqa executable to time (build it with -c release --static-swift-stdlib).") var replyqa = ".build/release/replyqa"
    @Option(help: "Configuration file passed to lint.") var config: String?
    @Option(help: "Rounds over all replies.") var rounds = 5

    func run() throws {
        let configPath = config ?? (FileManager.default.fileExists(atPath: "\(path)/replyqa.yml") ? "\(path)/replyqa.yml" : nil)
        let configuration = try Configuration.load(path: configPath)
        let result = BatchProcessor(config: configuration).run(paths: [path])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-latency-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [String] = []
        var mboxes: [String: [Data]] = [:]
        for (n, r) in result.replies.enumerated() {
            let parts = r.location.split(separator: "#")
            let source = String(parts[0])
            let data: Data
            if parts.count == 2, let index = Int(parts[1]) {
                if mboxes[source] == nil { mboxes[source] = Self.splitMbox(try Data(contentsOf: URL(fileURLWithPath: source))) }
                data = mboxes[source]![index - 1]
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: source))
            }
            let file = dir.appendingPathComponent("reply-\(n).eml")
            try data.write(to: file)
            files.append(file.path)
        }
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --static-swift-stdlib --product replyqa")
        }
        var times: [Double] = []
        for _ in 0..<rounds {
            for f in files {
                times.append(try timed(replyqa, ["lint", "--format", "json"] + (configPath.map { ["--config", $0] } ?? []) + [f]).seconds)
            }
        }
        let sorted = times.sorted()
        print("lint latency over \(files.count) replies x \(rounds) rounds (one process each):")
        print(String(format: "  median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms", median(times) * 1000, percentile(sorted, 95) * 1000,
                     sorted.first! * 1000, sorted.last! * 1000))
    }

    /// Splits an mbox into its messages (the "From " separator lines removed, ">From " unescaped).
    static func splitMbox(_ data: Data) -> [Data] {
        let text = String(decoding: data, as: UTF8.self)
        var messages: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("From ") {
                if !current.isEmpty { messages.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line.hasPrefix(">From ") ? line.dropFirst() : line)
            }
        }
        if !current.isEmpty { messages.append(current.joined(separator: "\n")) }
        return messages.map { Data($0.utf8) }
    }
}

struct ClusteringBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustering",
        abstract: "Near-duplicate clustering of generated replies at growing batch sizes, on one core.",
        discussion: "Generates replies (60% from 300 macros with names, numbers and a sentence varied, 40% unique), then times " +
            "normalizing, MinHash signatures and LSH clustering together. Time per reply should stay flat as the batch grows.")

    @Option(help: "Batch sizes, comma-separated.") var sizes = "12500,25000,50000,100000"
    @Option(help: "Random seed.") var seed: UInt64 = 42

    static let vocabulary =
        ("order refund parcel tent boots jacket delivery warehouse carrier label return exchange size colour card payment " +
        "account password email link app update crash store hours weekend discount code newsletter warranty stove valve pole strap " +
        "backpack fleece headlamp battery charger shipping tracking address invoice receipt subscription cancel renew upgrade plan " +
        "weather trail camp river mountain lake forest city road bridge train flight hotel ticket seat window aisle coffee breakfast")
            .split(separator: " ").map(String.init)

    func run() throws {
        var rng = SeededRandom(seed: seed)
        func words(_ n: Int) -> String { (0..<n).map { _ in Self.vocabulary[Int(rng.next() % UInt64(Self.vocabulary.count))] }
            .joined(separator: " ") }
        let macros = (0..<300).map { _ in words(40) + ". " + words(25) + "." }
        let names = ["Linda", "Omar", "Sofia", "Liam", "Grace", "Noah", "Ava", "Mia", "Ethan", "Chloé"]
        let normalizer = try TemplateNormalizer(locator: DictionaryLocator(config: Configuration())), hasher = MinHasher()
        print("replies   seconds   µs per reply   clusters")
        var previous: Double? = nil
        for size in sizes.split(separator: ",").compactMap({ Int($0) }) {
            let texts: [String] = (0..<size).map { i in
                if rng.next() % 10 < 6 {
                    let name = names[Int(rng.next() % UInt64(names.count))]
                    return "Hi \(name),\n\n" + macros[Int(rng.next() % 300)] + " Order \(40000 + i) is noted. "
                        + (rng.next() % 2 == 0 ? words(8) + "." : "") + "\n\nBest,"
                }
                return "Hi there,\n\n" + words(45) + ".\n\nThanks,"
            }
            let start = DispatchTime.now().uptimeNanoseconds
            var sizesOut: [Int] = []
            let signatures = texts.map { t -> [UInt32] in
                let s = MinHasher.shingles(normalizer.words(t))
                sizesOut.append(s.count)
                return hasher.signature(s)
            }
            let clusters = NearDuplicateClusterer().clusters(signatures, sizes: sizesOut)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let per = seconds / Double(size) * 1e6
            print(String(format: "%7d   %7.2f   %12.1f   %8d", size, seconds, per, clusters.count)
                  + (previous.map { String(format: "   (x%.2f per reply vs. the previous size)", per / $0) } ?? ""))
            previous = per
        }
    }
}
