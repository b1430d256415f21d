import ArgumentParser
import Foundation
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
        subcommands: [SpellingBench.self, SpellingWorker.self])
}

/// Median of several runs, in seconds.
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}

/// Runs a program and returns its wall time and standard output.
func timed(_ executable: String, _ arguments: [String]) throws -> (seconds: Double, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    let start = DispatchTime.now().uptimeNanoseconds
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (seconds, String(decoding: data, as: UTF8.self))
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
        let configuration = try Configuration.load(path: config ?? (FileManager.default.fileExists(atPath: "\(path)/replyqa.yml") ? "\(path)/replyqa.yml" : nil))
        let result = BatchProcessor(config: configuration).run(paths: [path])
        let text = result.replies.map(\.reply.authored).joined(separator: "\n\n")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-\(getpid()).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let words = text.split(whereSeparator: { $0.isWhitespace }).count
        guard let hunspell = which("hunspell") else { throw ValidationError("hunspell is not installed (Debian: apt-get install hunspell)") }
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
        print(String(format: "hunspell -l:             %6.1f ms (%d distinct words flagged); empty file %5.1f ms; text x20 %6.1f ms", ms("h"), Set(theirList.split(separator: "\n")).count, ms("h0"), ms("h20")))
        print(String(format: "replyqa spelling (list): %6.1f ms (%d distinct words flagged); empty file %5.1f ms; text x20 %6.1f ms", ms("o"), Set(ourList.split(separator: "\n")).count, ms("o0"), ms("o20")))
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
        let findings = checker.check(text, speller: speller, suggest: suggest)
        let t3 = DispatchTime.now().uptimeNanoseconds
        if ProcessInfo.processInfo.environment["REPLYQA_BENCH_TRACE"] != nil {
            let t4 = DispatchTime.now().uptimeNanoseconds
            _ = Tokenizer().tokenize(text)
            let t5 = DispatchTime.now().uptimeNanoseconds
            _ = checker.check(text, speller: speller, suggest: suggest)
            let t6 = DispatchTime.now().uptimeNanoseconds
            FileHandle.standardError.write(Data("service \((t1 - t0) / 1_000_000) ms, dictionary \((t2 - t1) / 1_000_000) ms, check \((t3 - t2) / 1_000_000) ms, tokenize again \((t5 - t4) / 1_000_000) ms, check again \((t6 - t5) / 1_000_000) ms\n".utf8))
        }
        var out = ""
        for f in findings where f.rule == "spelling" { out += text.text(at: f.span) + "\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
