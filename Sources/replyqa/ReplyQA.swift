import ArgumentParser
import Foundation
import ReplyPipeline
import LintService
import MailIngest
import ReplyQACore
import ReplySegmentation
import Aggregation
import History
import Reports
import Scoring
import Calibration

/// The `replyqa` command line.
@main
struct ReplyQA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replyqa",
        abstract: "Quality assurance for customer-support reply emails.",
        discussion: """
        ReplyQA reads the replies agents sent (.eml files, directories, mbox files, Maildir folders), \
        separates what the agent wrote from quoted history and signatures, pairs each reply with the \
        customer message it answers, and runs its checks.
        """,
        version: ReplyQA.version,
        subcommands: [Check.self, Lint.self, Serve.self, Sample.self, HistoryCommand.self, ReviewsCommand.self, Calibrate.self,
                      Extract.self, Rules.self, Explain.self])

    static let version = "0.3.0"

    /// Every command exits 2 for bad usage, an unreadable input or an unusable configuration, as
    /// `lint` promises (ArgumentParser's own code for usage errors is 64).
    static func main() {
        #if os(Linux)
        // Buffers of a few MB and more (a huge message, a report page) are mapped on their own and
        // given back when freed, so peak memory follows what is live, not what the heap once held.
        _ = glibcMallopt(glibcMmapThreshold, 4 << 20)
        #endif
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let failure as UsageFailure {
            warn(failure.message)
            Foundation.exit(UsageFailure.exitCode)
        } catch let failure as RuntimeFailure {
            warn(failure.message)
            Foundation.exit(RuntimeFailure.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(UsageFailure.exitCode)
            }
            exit(withError: error)
        }
    }
}

/// Bad usage, unreadable input or an unusable configuration: the message goes to standard error
/// as it is (configuration problems are `file:line:column:` lines) and the command exits 2.
struct UsageFailure: Error {
    static let exitCode: Int32 = 2
    var message: String
    init(_ message: String) { self.message = message }
}

/// A failure while running (the history file locked, damaged or newer than this version): the
/// message alone, without the usage text, and exit 1; bad usage stays `UsageFailure` (2).
struct RuntimeFailure: Error {
    static let exitCode: Int32 = 1
    var message: String
    init(_ message: String) { self.message = message }
}

/// Writes one line to standard error, escaped like every text output (names and reasons can
/// carry text from an email).
func warn(_ line: String) {
    FileHandle.standardError.write(Data((TerminalText.escape(line) + "\n").utf8))
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default: replyqa.yml in the current directory, if present).",
                                            valueName: "file"))
    var config: String?

    /// The configuration file in effect, checked; its warnings go to standard error.
    func loadFile() throws -> ConfigurationFile {
        let file: ConfigurationFile
        do { file = try ConfigurationFile.load(path: config) } catch {
            if case .problems = error { throw UsageFailure("\(error)") }
            throw UsageFailure("replyqa: \(error)")
        }
        for w in file.warnings { warn(w.description) }
        // Every command segments with the dictionaries folder's markers: a broken file is bad usage.
        do { _ = try Segmenter.load(locator: DictionaryLocator(config: file.configuration)) }
        catch { throw UsageFailure("replyqa: \(error)") }
        return file
    }

    func loadConfiguration() throws -> Configuration { try loadFile().configuration }

    /// The run's checkers; rule ids the file names are checked against the rules they report.
    func loadCheckers(_ file: ConfigurationFile, suggestionsPerRun: Int? = nil) throws -> CheckerRegistry {
        let registry: CheckerRegistry
        do { registry = try suggestionsPerRun.map { try StandardCheckers.make(config: file.configuration, suggestionsPerRun: $0) }
                ?? StandardCheckers.make(config: file.configuration) }
        catch { throw UsageFailure("replyqa: \(error)") }
        let problems = file.ruleProblems(knownRules: registry.rules.map(\.id))
        if !problems.isEmpty { throw UsageFailure(problems.map(\.description).joined(separator: "\n")) }
        return registry
    }

    /// Warns when a folder to read holds a `replyqa.yml` that is not the file in effect: the user
    /// most likely meant `--config DIR/replyqa.yml`.
    func warnAboutOtherConfigurations(in paths: [String], using file: ConfigurationFile) {
        func canonical(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        let inEffect = file.path.map(canonical)
        var seen = Set<String>()
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
            let candidate = (path as NSString).appendingPathComponent("replyqa.yml")
            guard FileManager.default.fileExists(atPath: candidate), canonical(candidate) != inEffect,
                  seen.insert(canonical(candidate)).inserted else { continue }
            let using = file.path.map { "the configuration in effect is \($0)" } ?? "no configuration is in effect"
            warn("replyqa: warning: \(candidate) is not used (\(using)); pass --config \(candidate) to use it")
        }
    }
}

/// Output formats of `lint`.
enum LintFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif
    var output: LintOutputFormat { LintOutputFormat(rawValue: rawValue)! }
}
extension Severity: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}

/// When to colour diagnostics.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check one reply before it is sent; exit 1 when a finding reaches --fail-on.",
        discussion: """
        The input is a MIME message, an HTML fragment or plain text, from FILE or standard input (-). \
        Diagnostics point at line:column of the reply's body (for MIME input, the decoded body). \
        Exit status: 0 nothing at or above --fail-on, 1 something is, 2 bad usage or unreadable input.
        """)

    @OptionGroup var common: CommonOptions
    @Argument(help: ArgumentHelp("The reply: a file, or - for standard input.", valueName: "file")) var input = "-"
    @Option(help: ArgumentHelp("The customer's message, when the reply does not quote it.", valueName: "file")) var question: String?
    @Option(help: "The channel, when the headers don't say (e.g. email, chat, social).") var channel: String?
    @Option(help: "The agent, when the headers don't say.") var agent: String?
    @Option(help: "Output format: text, json or sarif.") var format: LintFormat = .text
    @Option(name: .customLong("fail-on"),
            help: "Lowest severity that fails the reply: error, warning or info.") var failOn: Severity = .error
    @Option(help: "Colour: auto (on a terminal), always or never.") var color: ColorChoice = .auto
    @Option(help: ArgumentHelp(
        "Accept this word as spelled right, for this run (repeatable); the team's words are `spelling.words` in replyqa.yml.",
        valueName: "word"))
    var accept: [String] = []
    @Option(help: ArgumentHelp("Leave this rule out, for this run (repeatable); the team's are `disabled_rules` in replyqa.yml.",
                               valueName: "rule"))
    var disable: [String] = []
    @Flag(help: .hidden) var timings = false

    /// The bytes of one reply (or of the question); `LintEngine.message` refuses what is not one
    /// message or text. Input over `limit` bytes (a file or standard input) is refused after
    /// reading one byte past the limit, as `check` refuses a large message.
    func read(_ path: String, limit: Int) throws -> [UInt8] {
        func refuse(_ why: String) -> UsageFailure { UsageFailure("replyqa lint: \(path == "-" ? "<stdin>" : path): \(why)") }
        let bytes: [UInt8]
        if path == "-" {
            do { bytes = try LooseInput.read(fd: STDIN_FILENO, limit: limit) } catch { throw refuse("\(error)") }
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path,
                isDirectory: &isDir) else { throw UsageFailure("replyqa lint: cannot read \(path): no such file") }
            if isDir.boolValue { throw refuse("is a folder; lint checks one reply (use `replyqa check` for a folder)") }
            do { bytes = try LooseInput.read(path: path, limit: limit) } catch {
                if case .unreadable(let why) = error { throw UsageFailure("replyqa lint: cannot read \(path): \(why)") }
                throw refuse("\(error)")
            }
        }
        return bytes
    }

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        var marks: [(String, UInt64)] = []
        func mark(_ what: String) { if timings { marks.append((what, DispatchTime.now().uptimeNanoseconds)) } }
        var file = try common.loadFile()
        // One run's words and rules join the team's before the checkers are built.
        file.configuration.spelling.words += accept
        file.configuration.disabledRules += disable
        let config = file.configuration
        let reviews = try ReviewSources.load(config: config, files: [])
        mark("config")
        let checkers = try common.loadCheckers(file)
        let known = Set(checkers.rules.map(\.id))
        for rule in disable where !known.contains(rule) {
            let close = Suggestion.closest(to: rule, among: known)
            throw UsageFailure("replyqa lint: --disable \(rule): no such rule"
                + (close.map { "; did you mean “\($0)”?" } ?? "; `replyqa rules` lists them"))
        }
        mark("checkers")
        let engine = LintEngine(config: config, checkers: checkers, version: ReplyQA.version,
                                review: { ReviewSources.apply(reviews, to: $0, scorecard: config.scorecard) })
        let name = input == "-" ? "<stdin>" : input
        let limit = config.limits.maxMessageBytes
        func parsed(_ path: String, name: String) throws -> MailMessage {
            do { return try engine.message(from: try read(path, limit: limit), name: name, path: path == "-" ? nil : path) }
            catch let error as LintInputError { throw UsageFailure("replyqa lint: \(name): \(error.reason)") }
        }
        let message = try parsed(input, name: name)
        let questionMessage = try question.map { try parsed($0, name: $0) }
        mark("read")
        let result = engine.lint(message, question: questionMessage, agent: agent, channel: channel)
        mark("check")
        let useColor = format == .text && (color == .always
            || (color == .auto && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
        print(try engine.render(result, format: format.output, name: name, uri: input == "-" ? "stdin" : input,
                                color: useColor), terminator: "")
        mark("output")
        if timings {
            var last = started
            let line = marks.map { m -> String in defer { last = m.1 }; return "\(m.0) \((m.1 - last) / 1000) µs" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("timings: \(line)\n".utf8))
        }
        // Exit here: tearing down the loaded dictionaries would only cost a send pipeline time.
        fflush(nil)
        Foundation.exit(result.fails(at: failOn) ? 1 : 0)
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule with its category, severity and summary.")
    @OptionGroup var common: CommonOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        let file = try common.loadFile()
        let config = file.configuration
        let rules = try common.loadCheckers(file).rules
        let disabled = Set(config.disabledRules)
        let failing = Set(config.scorecard.autoFail ?? rules.autoFailing)
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(rules), as: UTF8.self))
        case .text:
            let width = rules.map(\.id.count).max() ?? 10
            for r in rules {
                let id = r.id.padding(toLength: width, withPad: " ", startingAt: 0)
                let marks = [disabled.contains(r.id) ? "disabled" : nil, failing.contains(r.id) ? "auto-fail" : nil,
                             r.sensitive ? "customer data, masked" : nil].compactMap { $0 }
                let state = marks.isEmpty ? "" : " (\(marks.joined(separator: ", ")))"
                print("\(id)  \(r.category.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) " +
                    "\(r.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(r.summary)\(state)")
            }
            print("\(rules.count) rules. `replyqa explain RULE` shows one with its examples.")
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one rule: what it flags, and examples that do and do not trigger it.")
    @OptionGroup var common: CommonOptions
    @Argument(help: "The rule id, as `replyqa rules` lists it.") var rule: String

    func run() throws {
        let file = try common.loadFile()
        let rules = try common.loadCheckers(file).rules
        guard let r = rules.first(where: { $0.id == rule }) else {
            let close = rules.map(\.id).filter { $0.contains(rule) || rule.contains($0) }
            throw ValidationError("no rule \(rule)" + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"))
        }
        print("\(r.id) (\(r.category.rawValue), \(r.severity.rawValue))")
        print("  \(r.summary)")
        let failing = file.configuration.scorecard.autoFail.map { $0.contains(r.id) } ?? r.autoFail
        if failing {
            let why = file.configuration.scorecard.autoFail == nil ? "by default" : "as scorecard.auto_fail says"
            print("  Auto-fail (\(why)): a finding scores the reply 0 overall.")
        }
        if r.sensitive { print("  Customer data: the text a finding points at is masked in every output.") }
        if let measured = try MeasuredPrecision.load(locator: DictionaryLocator(config: file.configuration))[r.id] {
            print("  Measured on real support replies (hand-labelled, `replyqa-eval findings`): \(measured.summary).")
        }
        if !r.triggers.isEmpty {
            print("\nFlags (the «marked» text is what the finding points at):")
            for t in r.triggers { print("  ✗ \(t)") }
        }
        if !r.passes.isEmpty {
            print("\nDoes not flag:")
            for p in r.passes { print("  ✓ \(p)") }
        }
    }
}

/// How a command prints its results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// What the batch commands read and how they print it.
struct BatchOptions: ParsableArguments {
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(name: .customLong("input-format"),
            help: "Read inputs as: auto (by content), mail, zendesk, freshdesk, intercom, helpscout, front or csv.")
    var inputFormat: InputFormat = .auto
    @Argument(help: ArgumentHelp("Files (.eml, mbox), directories or Maildir folders.", valueName: "path"))
    var paths: [String]
}

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what ReplyQA reads from each reply: agent, channel, authored text, the customer's question.",
        discussion: "Prints one record per reply and one error record per input that could not be read. Exits 1 when any input failed, " +
            "after reading all of them; 2 on bad usage or an unusable configuration.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var batch: BatchOptions

    func run() throws {
        let file = try common.loadFile()
        common.warnAboutOtherConfigurations(in: batch.paths, using: file)
        let result = BatchProcessor(config: file.configuration).reading(batch.inputFormat).run(paths: batch.paths)
        try Output.print(result, format: batch.format, includeFindings: false)
        if !result.failures.isEmpty { throw ExitCode(1) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every check over a batch of replies and write the QA report.",
        discussion: """
        Reads every input, runs the checkers on each agent reply and scores it. With --out, writes the report \
        folder (index.html, agents/, channels/, report.json, replies.csv, agents.csv), replacing an earlier \
        report there only when the new one is complete; without it, prints each reply with its findings. \
        --history records the run in a SQLite file and adds week-over-week trends to the report. \
        A run that cannot record its history (the file locked past --history-wait, damaged or from a newer \
        ReplyQA) still writes its report, says why, and exits 1. \
        Exits 1 when any input failed, after reading all of them; 2 on bad usage or an unusable configuration.
        """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var batch: BatchOptions
    @Option(help: ArgumentHelp("Write the report folder here.", valueName: "dir")) var out: String?
    @Option(help: ArgumentHelp("Record the run in this SQLite history file (created if missing).", valueName: "file")) var history: String?
    @Option(name: .customLong("history-wait"), help: ArgumentHelp("Seconds to wait while another run writes the same history file.",
                                                                  valueName: "seconds"))
    var historyWait: Double = HistoryStore.defaultBusyTimeout
    @Flag(help: "Put the run's date and time in the report (otherwise the same input gives the same bytes).") var now = false
    @Flag(name: .shortAndLong, help: "No progress bar.") var quiet = false
    @Option(help: ArgumentHelp("Threads that check replies (default: one per core); the report is the same for any number.",
                               valueName: "n"))
    var threads: Int?
    @Option(name: .customLong("reviews"), help: ArgumentHelp(
        "Reviews to honour besides those of the history and `reviews:` in replyqa.yml (reviews.csv, .yml or a history file; repeatable).",
        valueName: "file"))
    var reviewFiles: [String] = []
    @Option(help: ArgumentHelp("Reviewers' ratings (HUMAN.csv): adds a calibration page to the report (see `replyqa calibrate`).",
                               valueName: "file"))
    var calibration: String?

    func validate() throws {
        if !(0...3600).contains(historyWait) { throw ValidationError("--history-wait must be a number of seconds from 0 to 3600") }
    }

    func run() throws {
        let file = try common.loadFile()
        let config = file.configuration
        let checkers = try common.loadCheckers(file)
        common.warnAboutOtherConfigurations(in: batch.paths, using: file)
        // A bad reviews or ratings file is bad usage: found before the batch is read.
        let configReviews = try ReviewSources.load(config: config, files: [])
        let fileReviews = try ReviewSources.load(config: Configuration(), files: reviewFiles)
        let ratings = try calibration.map { try CalibrationInput.ratings($0) }
        var processor = BatchProcessor(config: config, checkers: checkers).reading(batch.inputFormat)
        if let threads {
            guard threads >= 1 else { throw UsageFailure("--threads must be at least 1, not \(threads)") }
            processor.threads = threads
        }
        let bar = ProgressBar(enabled: !quiet)
        processor.progress = { phase, done, total in bar.update(phase, done, total) }
        let result = processor.run(paths: batch.paths)
        bar.finish()
        var historyRecorded = true
        if out == nil && history == nil {
            let reviewed = ReviewedBatch(result.replies, reviews: configReviews.merging(fileReviews), scorecard: config.scorecard)
            var shown = result
            shown.replies = reviewed.replies
            try Output.print(shown, format: batch.format, includeFindings: true, reviewed: reviewed)
        } else {
            historyRecorded = try writeReport(result, config: config, reviews: (configReviews, fileReviews), ratings: ratings)
        }
        if !result.failures.isEmpty || !historyRecorded { throw ExitCode(1) }
    }

    /// Records the run in the history and reads the trends back, then writes the report. A history
    /// that cannot be used does not cost the report: it is written without (all of) the trends,
    /// and the result is false.
    func writeReport(_ result: BatchResult, config: Configuration, reviews: (config: ReviewSet, files: ReviewSet),
                     ratings: [HumanRating]?) throws -> Bool {
        let started = Date()
        var trends: [String: AgentTrend] = [:]
        var historyProblem: String?
        // The configuration's reviews, then the history's, then --reviews: the later wins on the same finding.
        var inEffect = reviews.config.merging(reviews.files)
        let summaries = result.replies.map(\.summary)
        var reviewed: ReviewedBatch?
        if let history {
            var recorded = false
            do {
                let store = try HistoryStore(path: history, busyTimeout: historyWait)
                inEffect = reviews.config.merging(ReviewSet(try store.reviews())).merging(reviews.files)
                let applied = ReviewedBatch(result.replies, summaries: summaries, reviews: inEffect, scorecard: config.scorecard)
                reviewed = applied
                // The history keeps the scores as reviewed: disputed findings out, reviewers' scores in.
                let run = try store.record(applied.summaries, inputs: batch.paths, at: started)
                recorded = true
                if !quiet { warn("history: run \(run.id) recorded \(run.newReplies) new of \(run.replies) replies in \(history)") }
                let snapshot = try store.snapshot()
                trends = snapshot.trends
                for d in snapshot.damaged { warn("replyqa: history \(history): \(d); the row is left out of the trends") }
                if !snapshot.damaged.isEmpty { historyProblem = "\(snapshot.damaged.count) damaged row(s) in the history were left out " +
                    "of the trends" }
            } catch {
                warn("replyqa: \(error)")
                historyProblem = recorded ? "the trends could not be read" : "this run is not recorded in \(history)"
            }
        }
        let applied = reviewed ?? ReviewedBatch(result.replies, summaries: summaries, reviews: inEffect, scorecard: config.scorecard)
        // Calibration compares ReplyQA's own scores, before any reviewer changed them.
        let calibrationReport = ratings.map { CalibrationInput.calibrate($0, records: result.replies, summaries: summaries) }
        let model = ReportModel(result: result, config: config, trends: trends, generatedAt: now ? started : nil, reviewed: applied,
                                reviewCommand: ReviewCommand(report: out, history: history), calibration: calibrationReport)
        if let out {
            do {
                let files = try ReportWriter.write(model, to: out)
                Swift.print(
                    "Report: \(out)/index.html " +
                        "(\(files.count) files: \(model.aggregate.agents.count) agent pages and coaching summaries, " +
                        "\(model.aggregate.channels.count) channel pages\(model.calibration == nil ? "" : ", calibration.html"), " +
                        "report.json, replies.csv, agents.csv)")
            } catch {
                warn("replyqa: \(error)")
                throw ExitCode(1)
            }
        }
        Swift.print(
            "\(result.replies.count) replies, \(result.customerMessages) customer messages, \(result.skipped.count) skipped, " +
                "\(result.failures.count) failed")
        if let historyProblem { warn("replyqa: \(out == nil ? "the batch was checked" : "the report was written"), but \(historyProblem)") }
        return historyProblem == nil
    }
}

enum Output {
    static func print(_ result: BatchResult, format: OutputFormat, includeFindings: Bool, reviewed: ReviewedBatch? = nil) throws {
        switch format {
        case .json:
            Swift.print(try BatchDocument(result, includeFindings: includeFindings).json())
        case .text:
            for (i, r) in result.replies.enumerated() { printReply(r, at: i, includeFindings: includeFindings, reviewed: reviewed) }
            for s in result.skipped { say("\(s.path): skipped: \(s.reason)") }
            for e in result.failures { warn("\(e.path): error: \(e.reason)") }
            say("\(result.replies.count) replies, \(result.customerMessages) customer messages, "
                + "\(result.skipped.count) skipped, \(result.failures.count) failed")
        }
    }

    /// Every line carries text from the emails: escaped, so it cannot drive the terminal.
    static func say(_ line: String) { Swift.print(TerminalText.escape(line)) }

    /// The text lines of the batch's `i`th reply: where it is, what it answers and wrote, and, with
    /// findings, its score, tone and findings.
    static func printReply(_ r: ReplyRecord, at i: Int, includeFindings: Bool, reviewed: ReviewedBatch?) {
        let reply = r.reply
        say("\(r.location): \(reply.agent) · \(reply.channel) · \(reply.subject ?? "(no subject)")")
        if let q = reply.question {
            say("  answers (\(q.source.rawValue)): \(oneLine(q.text, max: 100))")
        } else {
            say("  answers: no customer message found")
        }
        // Customer data a finding points at (a card number, a secret) is masked, as in every other output.
        let shown = includeFindings ? r.redactedAuthored : reply.authored
        say("  wrote: \(oneLine(shown, max: 100))")
        for w in r.warnings { say("  warning: \(w)") }
        guard includeFindings else { return }
        if let score = r.score {
            let parts = score.categories.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            say("  score \(score.overall)/100"
                + (score.autoFailed.isEmpty ? "" : " (failed: \(score.autoFailed.joined(separator: ", ")))") + " · \(parts)")
        }
        if let tone = r.tone {
            say("  tone: \(tone.label.rawValue) (\(tone.reasons.joined(separator: "; ")))")
        }
        for (k, f) in r.findings.enumerated() {
            let disputed = reviewed?.isDisputed(i, k) == true ? " (disputed: left out of the score)" : ""
            say("  \(f.severity.rawValue): \(f.message) [\(f.rule)] \"\(shown.text(at: f.span))\"\(disputed)")
        }
    }

    static func oneLine(_ s: String, max: Int) -> String {
        let flat = s.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return flat.count > max ? String(flat.prefix(max)) + "…" : flat
    }
}

#if os(Linux)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt") func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
/// `M_MMAP_THRESHOLD` of malloc.h.
let glibcMmapThreshold: Int32 = -3
#endif
