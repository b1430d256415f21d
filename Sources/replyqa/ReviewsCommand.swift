import ArgumentParser
import Foundation
import History
import ReplyPipeline
import ReplyQACore
import Scoring

/// `replyqa reviews`: disputes and reviewers' scores, kept in the history file.
struct ReviewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews",
        abstract: "List, add, import and export reviews: disputed findings and reviewers' scores.",
        discussion: """
        A review says a finding is wrong (disputed) or right (upheld), or sets a reply's category score \
        (rescored). Reviews are kept in the history file (--history, or the file `reviews:` in replyqa.yml \
        names) keyed by the finding's fingerprint: the reply's content hash, the rule and the text it covers. \
        Later runs of `check` keep a disputed finding, show it as disputed and leave it out of every score. \
        `import` and `export` read and write reviews.csv or reviews.yml for people who work in spreadsheets.
        """,
        subcommands: [List.self, Dispute.self, Uphold.self, Withdraw.self, Score.self, Import.self, Export.self],
        defaultSubcommand: List.self)

    /// Where the reviews are kept.
    struct StoreOptions: ParsableArguments {
        @OptionGroup var common: CommonOptions
        @Option(help: ArgumentHelp(
            "The history file that keeps the reviews (default: `reviews:` in replyqa.yml, when it names a history).", valueName: "file"))
        var history: String?
        @Option(name: .customLong("history-wait"),
                help: ArgumentHelp("Seconds to wait while another run writes the history file.", valueName: "seconds"))
        var historyWait: Double = HistoryStore.defaultBusyTimeout

        /// The history file to use: `--history`, else the configuration's `reviews:` when it is one.
        func historyPath() throws -> String {
            if let history { return history }
            let file = try common.loadFile()
            if let named = file.configuration.reviews {
                guard ReviewSources.isHistory(named) else {
                    throw UsageFailure(
                        "replyqa reviews: \(named) (reviews: in \(file.path ?? "replyqa.yml")) is a reviews file, not a history; "
                        + "name the history that keeps the reviews with --history FILE, or edit the file itself")
                }
                return named
            }
            throw UsageFailure(
                "replyqa reviews: name the history file that keeps the reviews with --history FILE (or `reviews:` in replyqa.yml)")
        }

        func open(readOnly: Bool) throws -> (HistoryStore, String) {
            let path = try historyPath()
            if readOnly, !FileManager.default.fileExists(atPath: path) { throw UsageFailure("replyqa reviews: no history file at \(path)") }
            do { return (try HistoryStore(path: path, readOnly: readOnly, busyTimeout: historyWait), path) }
            catch { throw RuntimeFailure("replyqa \(error)") }
        }
    }

    /// Who decided, why and when: the same for every subcommand that adds reviews.
    struct ReviewerOptions: ParsableArguments {
        @Option(help: "Who is reviewing (default: the USER environment variable).") var reviewer: String?
        @Option(help: "Why, in a few words (shown on the report beside the finding).") var note: String = ""
        @Option(help: ArgumentHelp("The review's date (default: today, UTC).", valueName: "yyyy-mm-dd")) var date: String?

        var who: String { reviewer ?? ProcessInfo.processInfo.environment["USER"] ?? "" }
        var when: String { date ?? String(Date().iso8601.prefix(10)) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the reviews on record.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this agent's replies.") var agent: String?
        @Option(help: "Only this rule.") var rule: String?
        @Option(help: "Only this verdict: disputed, upheld or rescored.") var verdict: ReviewVerdict?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text

        func run() throws {
            let (history, path) = try store.open(readOnly: true)
            let snapshot: ReviewSnapshot
            do { snapshot = try history.reviewSnapshot() } catch { throw RuntimeFailure("replyqa \(error)") }
            let shown = snapshot.reviews.filter { r in
                (agent == nil || r.agent == agent) && (rule == nil || r.rule == rule) && (verdict == nil || r.verdict == verdict)
            }
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(shown), as: UTF8.self))
            case .text:
                // Texts and names come from emails and from people: escaped for the terminal.
                func say(_ line: String) { print(TerminalText.escape(line)) }
                for r in shown { say(Self.describe(r)) }
                let counts = ReviewVerdict.allCases.map { v in "\(shown.filter { $0.verdict == v }.count) \(v.rawValue)" }
                say("\(shown.count) review\(shown.count == 1 ? "" : "s") in \(path): \(counts.joined(separator: ", "))")
            }
            for d in snapshot.damaged { warn("replyqa reviews: history \(path): \(d); the row is left out") }
            if !snapshot.damaged.isEmpty { throw RuntimeFailure(
                "replyqa reviews: \(path): \(snapshot.damaged.count) damaged row(s) left out; the rest is shown") }
        }

        static func describe(_ r: Review) -> String {
            let reply = r.reply == Review.anyReply ? "every reply" : "reply \(r.reply)"
                + (r.file.isEmpty ? "" : " (\(r.file)\(r.agent.isEmpty ? "" : ", \(r.agent)"))")
            let by = [r.reviewer, r.date].filter { !$0.isEmpty }.joined(separator: " ")
            let why = (by.isEmpty ? "" : " · \(by)") + (r.note.isEmpty ? "" : ": \(r.note)")
            switch r.verdict {
            case .rescored:
                return "rescored  \(r.category) \(r.score.map(String.init) ?? "?") · \(reply)\(why)"
            case .disputed, .upheld:
                let fingerprint = r.reply == Review.anyReply ? "" : " [\(Review.fingerprint(reply: r.reply, rule: r.rule, text: r.text))]"
                return "\(r.verdict.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(r.rule) “\(r.text)” · " +
                    "\(reply)\(fingerprint)\(why)"
            }
        }
    }

    struct Dispute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark findings as wrong: later runs keep them, show them as disputed and leave them out of scores.",
            discussion: "FINGERPRINT is what the report prints beside the finding (the first 6 or more digits will do).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var reviewer: ReviewerOptions
        @Option(help: ArgumentHelp("The report folder the fingerprints are from.", valueName: "dir")) var report: String
        @Flag(name: .customLong("every-reply"),
              help: "The finding is wrong wherever the rule flags this text, in every reply (a pattern).") var everyReply = false
        @Argument(help: ArgumentHelp("Fingerprints of the findings, as the report shows them.",
                                     valueName: "fingerprint")) var fingerprints: [String]

        func run() throws {
            try ReviewsCommand.addFindingReviews(fingerprints, verdict: .disputed, report: report, store: store, reviewer: reviewer,
                                                 everyReply: everyReply)
        }
    }

    struct Uphold: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark findings as right: they count as reviewed in their rule's dispute rate.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var reviewer: ReviewerOptions
        @Option(help: ArgumentHelp("The report folder the fingerprints are from.", valueName: "dir")) var report: String
        @Flag(name: .customLong("every-reply"),
              help: "The finding is right wherever the rule flags this text (a pattern).") var everyReply = false
        @Argument(help: ArgumentHelp("Fingerprints of the findings, as the report shows them.",
                                     valueName: "fingerprint")) var fingerprints: [String]

        func run() throws {
            try ReviewsCommand.addFindingReviews(fingerprints, verdict: .upheld, report: report, store: store, reviewer: reviewer,
                                                 everyReply: everyReply)
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the reviews of findings (theirs and the patterns that cover them).")
        @OptionGroup var store: StoreOptions
        @Option(help: ArgumentHelp("The report folder the fingerprints are from (needed to withdraw a pattern review).",
                                   valueName: "dir")) var report: String?
        @Argument(help: ArgumentHelp("Fingerprints of the findings.", valueName: "fingerprint")) var fingerprints: [String]

        func run() throws {
            let (history, path) = try store.open(readOnly: false)
            let onRecord: [Review]
            do { onRecord = try history.reviews() } catch { throw RuntimeFailure("replyqa \(error)") }
            let findings = try report.map { try ReportFindings.load(report: $0) }
            var keys = Set<Review.Key>()
            for fp in fingerprints {
                let before = keys.count
                for r in onRecord where r.isFindingReview && Review.fingerprint(reply: r.reply, rule: r.rule, text: r.text)
                    .hasPrefix(fp.lowercased()) {
                    keys.insert(r.key)
                }
                if let findings, let f = try? findings.finding(fp) {
                    keys.insert(Review.Key(reply: f.reply, rule: f.rule, text: Review.normalized(f.text), category: ""))
                    keys.insert(Review.Key(reply: Review.anyReply, rule: f.rule, text: Review.normalized(f.text), category: ""))
                }
                if keys.count == before { warn("replyqa reviews withdraw: no review of \(fp) on record") }
            }
            let removed: Int
            do { removed = try history.removeReviews(keys.sorted()) } catch { throw RuntimeFailure("replyqa \(error)") }
            print("\(removed) review\(removed == 1 ? "" : "s") withdrawn from \(path)")
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a reply's category score: it replaces ReplyQA's in later reports (shown as the reviewer's).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var reviewer: ReviewerOptions
        @Option(help: ArgumentHelp("The report folder the reply is from.", valueName: "dir")) var report: String
        @Argument(help: "The reply: its id as the report lists it, or its file.") var reply: String
        @Argument(help: "The rubric category.") var category: String
        @Argument(help: "The reviewer's score, 0 to 100.") var score: Int

        func validate() throws {
            if !(0...100).contains(score) { throw ValidationError("the score must be a whole number from 0 to 100") }
        }

        func run() throws {
            let findings = try ReportFindings.load(report: report)
            guard let target = findings.reply(reply) else { throw UsageFailure(
                "replyqa reviews score: no reply \(reply) in \(report)/report.json") }
            guard target.categories.keys.contains(category) else {
                throw UsageFailure(
                    "replyqa reviews score: \(reply) was not scored on “\(category)”; its categories: " +
                        "\(target.categories.keys.sorted().joined(separator: ", "))")
            }
            let review = Review(reply: target.id, category: category, verdict: .rescored, score: score, reviewer: reviewer.who,
                                note: reviewer.note, date: reviewer.when, file: target.file, agent: target.agent)
            try ReviewsCommand.save([review], store: store)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read reviews from reviews.csv or reviews.yml into the history (a later review of the same finding replaces the " +
                "earlier).",
            discussion: "Columns: \(ReviewFile.columns.joined(separator: ", ")). Any bad row stops the import, naming each, so nothing " +
                "is half-imported.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The reviews file (.csv, .yml or .yaml).", valueName: "file")) var file: String

        func run() throws {
            let reviews: [Review]
            do { reviews = try ReviewFile.read(path: file) } catch { throw UsageFailure("\(error)") }
            try ReviewsCommand.save(reviews, store: store)
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every review on record to reviews.csv or reviews.yml.")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The file to write (.csv, .yml or .yaml).", valueName: "file")) var file: String

        func run() throws {
            guard ReviewFile.format(of: file) != nil else { throw UsageFailure(
                "replyqa reviews export: \(file): a reviews file is .csv, .yml or .yaml") }
            let (history, path) = try store.open(readOnly: true)
            let reviews: [Review]
            do { reviews = try history.reviews() } catch { throw RuntimeFailure("replyqa \(error)") }
            do { try ReviewFile.write(reviews, to: file) } catch { throw RuntimeFailure("replyqa \(error)") }
            print("\(reviews.count) review\(reviews.count == 1 ? "" : "s") from \(path) written to \(file)")
        }
    }

    static func addFindingReviews(_ fingerprints: [String], verdict: ReviewVerdict, report: String, store: StoreOptions,
                                  reviewer: ReviewerOptions, everyReply: Bool) throws {
        let findings = try ReportFindings.load(report: report)
        var reviews: [Review] = []
        for fp in fingerprints {
            let f: ReportFindings.Found
            do { f = try findings.finding(fp) } catch { throw UsageFailure(
                "replyqa reviews \(verdict == .disputed ? "dispute" : "uphold"): \(error)") }
            reviews.append(Review(reply: everyReply ? Review.anyReply : f.reply, rule: f.rule, text: f.text, verdict: verdict,
                                  reviewer: reviewer.who, note: reviewer.note, date: reviewer.when,
                                  file: everyReply ? "" : f.file, agent: everyReply ? "" : f.agent))
        }
        try save(reviews, store: store)
    }

    static func save(_ reviews: [Review], store: StoreOptions) throws {
        let (history, path) = try store.open(readOnly: false)
        let saved: ReviewsSaved
        do { saved = try history.save(reviews: reviews) } catch { throw RuntimeFailure("replyqa \(error)") }
        print("\(path): \(saved.added) review\(saved.added == 1 ? "" : "s") added, \(saved.replaced) replaced, \(saved.unchanged) " +
            "unchanged")
    }
}

extension ReviewVerdict: ExpressibleByArgument {}

/// The findings of a written report (its `report.json`), found by fingerprint.
struct ReportFindings {
    struct Found {
        var reply: String, rule: String, text: String, file: String, agent: String
    }
    struct ReplyOut: Decodable {
        var id: String
        var file: String
        var agent: String
        var categories: [String: Int]
        var findings: [FindingOut]
    }
    struct FindingOut: Decodable {
        var rule: String
        var text: String
        var fingerprint: String?
    }
    struct Document: Decodable { var replies: [ReplyOut] }

    var path: String
    var replies: [ReplyOut]

    static func load(report: String) throws -> ReportFindings {
        var isDir: ObjCBool = false
        let path = FileManager.default.fileExists(atPath: report, isDirectory: &isDir) && isDir.boolValue
            ? (report as NSString).appendingPathComponent("report.json") : report
        guard let data = FileManager.default.contents(
            atPath: path) else { throw UsageFailure("replyqa reviews: cannot read \(path): no report there") }
        do { return ReportFindings(path: path, replies: try JSONDecoder().decode(Document.self, from: data).replies) }
        catch { throw UsageFailure("replyqa reviews: \(path) is not a ReplyQA report.json (\(error.localizedDescription))") }
    }

    struct NotFound: Error, CustomStringConvertible { var description: String }

    /// The finding whose fingerprint is (or starts with, six digits or more) `fingerprint`.
    func finding(_ fingerprint: String) throws -> Found {
        let fp = fingerprint.lowercased()
        guard fp.count >= 6, fp.allSatisfy(\.isHexDigit) else { throw NotFound(
            description: "“\(fingerprint)” is not a fingerprint (16 hex digits, as the report prints it)") }
        var hits: [Found] = []
        for r in replies {
            for f in r.findings {
                let own = f.fingerprint ?? Review.fingerprint(reply: r.id, rule: f.rule, text: f.text)
                if own.hasPrefix(fp) { hits.append(Found(reply: r.id, rule: f.rule, text: f.text, file: r.file, agent: r.agent)) }
            }
        }
        // The same finding twice in one reply (a word misspelt twice) has one fingerprint.
        let distinct = Set(hits.map { "\($0.reply)\u{1f}\($0.rule)\u{1f}\($0.text)" })
        guard let first = hits.first else { throw NotFound(description: "no finding \(fingerprint) in \(path)") }
        guard distinct.count == 1 else { throw NotFound(
            description: "\(fingerprint) matches \(distinct.count) findings in \(path); give more digits") }
        return first
    }

    /// A reply by id, by its file as the report lists it, or by the file's name when that is unique.
    func reply(_ key: String) -> ReplyOut? {
        if let r = replies.first(where: { $0.id == key || $0.file == key }) { return r }
        let named = replies.filter { ($0.file as NSString).lastPathComponent == key }
        return named.count == 1 ? named[0] : nil
    }
}
