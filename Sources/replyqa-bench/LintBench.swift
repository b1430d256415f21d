import ArgumentParser
import Foundation
import Grammar
import MailIngest
import Relevance
import ReplyPipeline
import ReplyQACore
import Safety
import Spelling
import Tone

/// `replyqa lint FILE` against `hunspell -l FILE`, whole processes, and where lint's time goes.
struct LintBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "`replyqa lint FILE` (one process, start included) vs. `hunspell -l FILE`, and where lint's start-up goes.",
        discussion: """
        Times, alternately, `hunspell -l -d en_US FILE` and `replyqa lint --format json FILE` as whole \
        processes and reports the medians and their ratio. Then lint's own phases (`--timings`: \
        configuration, checkers, reading, checking, output; the rest is process start and exit), and \
        in fresh processes of this bench each part of building the checkers and the first and second \
        check of the reply, medians over the same number of runs.
        """)

    @Argument(help: "The reply to check.") var file = "Samples/email/T01-reply.eml"
    @Option(help: "The replyqa executable to time (build it with -c release --static-swift-stdlib).") var replyqa = ".build/release/replyqa"
    @Option(help: "Configuration file passed to lint.") var config = "Samples/replyqa.yml"
    @Option(help: "Runs of each command.") var runs = 21

    func run() throws {
        guard let hunspell = which("hunspell") else { throw ValidationError(
            "hunspell is not installed (Debian: apt-get install hunspell)") }
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --static-swift-stdlib --product replyqa")
        }
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : FileManager.default.currentDirectoryPath + "/"
            + CommandLine.arguments[0]
        let lintArguments = ["lint", "--config", config, "--format", "json", file]
        var hunspellTimes: [Double] = [], lintTimes: [Double] = []
        var phases: [String: [Double]] = [:], phaseOrder: [String] = []
        // One untimed run of each first: the files are in the page cache for both.
        _ = try timed(hunspell, ["-l", "-d", "en_US", file])
        _ = try timed(replyqa, lintArguments)
        for _ in 0..<runs {
            hunspellTimes.append(try timed(hunspell, ["-l", "-d", "en_US", file]).seconds)
            lintTimes.append(try timed(replyqa, lintArguments).seconds)
        }
        for _ in 0..<runs {
            let run = try timedWithErrors(replyqa, ["lint", "--timings", "--config", config, "--format", "json", file])
            var sum = 0.0
            for (name, ms) in Self.timings(run.errors) {
                if phases[name] == nil { phaseOrder.append(name) }
                phases[name, default: []].append(ms)
                sum += ms
            }
            phases["process start and exit", default: []].append(run.seconds * 1000 - sum)
        }
        var parts: [String: [Double]] = [:], partOrder: [String] = []
        for _ in 0..<runs {
            for (name, ms) in Self.timings(try timed(me, ["lint-startup-worker", "--config", config, file]).output) {
                if parts[name] == nil { partOrder.append(name) }
                parts[name, default: []].append(ms)
            }
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"
        let h = median(hunspellTimes) * 1000, l = median(lintTimes) * 1000
        print("\(file): medians of \(runs) alternating runs, whole processes, \(ProcessInfo.processInfo.activeProcessorCount) cores, " +
            "load average \(load)")
        print(String(format: "  hunspell -l -d en_US:      %6.1f ms", h))
        print(String(format: "  replyqa lint --format json: %6.1f ms", l))
        print(String(format: "  ratio lint / hunspell: %.2f (target: at most 1.2)", l / h))
        print("  lint's phases (--timings), medians:")
        func row(_ name: String, _ width: Int, _ ms: Double) -> String { "    "
            + name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: " %6.1f ms", ms) }
        for name in phaseOrder + ["process start and exit"] { print(row(name, 24, median(phases[name]!))) }
        print("  building the checkers and checking, part by part, in a fresh process each run (medians):")
        for name in partOrder { print(row(name, 48, median(parts[name]!))) }
    }

    /// "name 1234 µs" pairs of a `timings:` line (or of the worker's lines), in milliseconds.
    static func timings(_ text: String) -> [(String, Double)] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("timings: ") }) else { return [] }
        return line.dropFirst("timings: ".count).components(separatedBy: ", ").compactMap { part in
            let words = part.split(separator: " ")
            guard words.count >= 3, words.last == "µs", let us = Double(words[words.count - 2]) else { return nil }
            return (words.dropLast(2).joined(separator: " "), us / 1000)
        }
    }

    /// Like `timed`, with standard error kept instead of standard output.
    func timedWithErrors(_ executable: String, _ arguments: [String]) throws -> (seconds: Double, errors: String) {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-bench-err-\(getpid())")
        defer { unlink(errors.path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
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
        return (seconds, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }
}

/// The process `lint` times part by part: each step of `StandardCheckers.make`, one after the
/// other on this thread (lint loads the Hunspell dictionary on the other core meanwhile), then
/// the first and the second check of the reply.
struct LintStartupWorker: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint-startup-worker", shouldDisplay: false)
    @Option var config: String
    @Argument var file: String

    func run() throws {
        var marks: [(String, UInt64)] = []
        var last = DispatchTime.now().uptimeNanoseconds
        func mark(_ name: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            marks.append((name, now - last))
            last = now
        }
        let configuration = try ConfigurationFile.load(path: config).configuration
        mark("configuration")
        let spelling = try SpellingService(config: configuration)
        mark("spelling: word lists and language detector")
        _ = spelling.speller(for: configuration.spelling.language)
        mark("spelling: Hunspell \(configuration.spelling.language)")
        // The other English variant is accepted too (`accept_english_variants`): its dictionary
        // loads on the first check unless loaded here.
        for variant in ["en_US", "en_GB"] where configuration.spelling.language.hasPrefix("en_")
            && configuration.spelling.acceptEnglishVariants
            && variant != configuration.spelling.language {
            _ = spelling.speller(for: variant)
            mark("spelling: Hunspell \(variant) (the other variant)")
        }
        let rules = try RuleSet.load(language: "en", locator: spelling.locator)
        mark("grammar: rule files")
        let grammar = try GrammarChecker(ruleSet: rules)
        mark("grammar: compiling rules")
        let safetyLexicon = try SafetyLexicon.load(language: "en", locator: spelling.locator)
        mark("safety: lexicon")
        let safety = try SafetyChecker(lexicon: safetyLexicon)
        mark("safety: checker")
        let relevanceLexicon = try RelevanceLexicon.load(locator: spelling.locator)
        mark("relevance: lexicon")
        let toneLexicon = try ToneLexicon.load(language: "en", locator: spelling.locator)
        mark("tone: lexicon")
        let tone = try ToneChecker(lexicon: toneLexicon, relevance: relevanceLexicon)
        mark("tone: checker")
        var registry = CheckerRegistry()
        registry.register(grammar)
        registry.register(safety)
        registry.register(RelevanceChecker(lexicon: relevanceLexicon))
        registry.register(tone)
        registry.register(SpellingChecker(service: spelling))
        let bytes = try LooseInput.read(path: file, limit: configuration.limits.maxMessageBytes)
        let message = try LooseInput.read(bytes, name: file, limits: configuration.limits).0
        mark("reading the reply")
        let processor = BatchProcessor(config: configuration, checkers: registry)
        _ = processor.lint(message, question: nil, agent: nil, channel: nil)
        mark("first check of the reply")
        _ = processor.lint(message, question: nil, agent: nil, channel: nil)
        mark("second check of the same reply")
        let record = processor.lint(message, question: nil, agent: nil, channel: nil)
        _ = try BatchDocument(replies: [record], includeFindings: true).json()
        mark("third check and its JSON")
        print("timings: " + marks.map { "\($0.0) \($0.1 / 1000) µs" }.joined(separator: ", "))
        fflush(nil)
        Foundation.exit(0)
    }
}
