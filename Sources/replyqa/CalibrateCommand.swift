import Aggregation
import ArgumentParser
import Calibration
import Foundation
import ReplyPipeline
import ReplyQACore

/// Reviewers' ratings matched to a batch's replies, and the agreement computed from them.
enum CalibrationInput {
    /// The ratings of a HUMAN.csv file; a bad row is bad usage, naming its line.
    static func ratings(_ path: String) throws -> [HumanRating] {
        guard let data = FileManager.default.contents(
            atPath: path) else { throw UsageFailure("replyqa: cannot read the reviewers' ratings \(path)") }
        do {
            return try HumanReviews.parse(csv: String(decoding: data, as: UTF8.self), name: path,
                                          categories: Category.allCases.map(\.rawValue))
        } catch let error as HumanReviewsError {
            let shown = error.problems.prefix(20).joined(separator: "\n")
            throw UsageFailure(shown + (error.problems.count > 20 ? "\n\(path): \(error.problems.count - 20) more problems not shown" : ""))
        } catch { throw UsageFailure("\(error)") }
    }

    /// Agreement of the ratings with ReplyQA's own scores (before any review changed them). A
    /// rating names its reply by the report's id, the file as the report lists it, the file's
    /// name when no other reply has it, or the Message-ID.
    static func calibrate(_ ratings: [HumanRating], records: [ReplyRecord], summaries: [ReplySummary],
                          calibrator: Calibrator = Calibrator()) -> CalibrationReport {
        var byKey: [String: String] = [:]
        var names: [String: [String]] = [:]
        var machine: [String: [String: Double]] = [:]
        for s in summaries {
            var scores = s.categories.mapValues(Double.init)
            scores["overall"] = Double(s.overall)
            machine[s.id] = scores
            byKey[s.id] = s.id
            byKey[s.file] = byKey[s.file] ?? s.id
            if let m = s.messageID {
                byKey[m] = byKey[m] ?? s.id
                byKey[m.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))] = byKey[m] ?? s.id
            }
            names[(s.file as NSString).lastPathComponent, default: []].append(s.id)
        }
        for (name, ids) in names where ids.count == 1 && byKey[name] == nil { byKey[name] = ids[0] }
        let resolved = ratings.map { r -> HumanRating in
            var c = r
            if let id = byKey[r.reply] { c.reply = id }
            return c
        }
        return calibrator.calibrate(resolved, replyqa: machine)
    }

    /// The report in the terminal: one row per category, the pooled row, then each reviewer.
    static func text(_ report: CalibrationReport) -> String {
        func figure(_ a: Agreement?) -> String {
            guard let a else { return "–" }
            let symbol = a.statistic.hasPrefix("Krippendorff") ? "α" : a.statistic.hasPrefix("quadratic") ? "κw" : "κ"
            guard let v = a.value else { return "\(symbol) undefined (no variation)  n=\(a.replies)" }
            let ci = a.low.map { String(format: " [%.2f, %.2f]", $0, a.high ?? $0) } ?? " [no interval]"
            return String(format: "%@ %.2f", symbol, v) + ci + " \(a.reading)  n=\(a.replies) replies/\(a.ratings) ratings"
        }
        let reviewers = Set(report.categories.flatMap(\.reviewers)).count
        var lines =
            ["Calibration: \(report.ratings) ratings of \(report.replies) replies by \(reviewers) reviewer\(reviewers == 1 ? "" : "s") "
                     + "(95% intervals: " +
                         "\(report.resamples) bootstrap resamples of the replies, seed \(report.seed); pass mark \(Int(report.passMark)))",
                         ""]
        for c in report.categories {
            lines.append("\(c.category) (\(c.scale.rawValue))")
            lines.append("  ReplyQA vs reviewers:       \(figure(c.replyqa))")
            lines.append("  reviewers among themselves: \(c.reviewers.count < 2 ? "– (one reviewer)" : figure(c.betweenReviewers))")
        }
        if !report.reviewers.isEmpty {
            lines.append("")
            lines.append("ReplyQA vs each reviewer (every category they rated):")
            for r in report.reviewers { lines.append("  \(r.reviewer): \(figure(r.agreement))") }
        }
        if !report.unmatched.isEmpty {
            let shown = report.unmatched.prefix(5).joined(separator: ", ")
                + (report.unmatched.count > 5 ? " and \(report.unmatched.count - 5) more" : "")
            lines.append("")
            lines.append(
                "Left out: ratings of \(report.unmatched.count) repl\(report.unmatched.count == 1 ? "y" : "ies") not in the batch or " +
                    "not scored in the category: \(shown)")
        }
        return lines.joined(separator: "\n")
    }
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Agreement between ReplyQA's scores and the team's reviewers, and among the reviewers, per category.",
        discussion: """
        Reads the reviewers' ratings (a CSV with the columns reply, reviewer, category and score: a reply id as the \
        report lists it or the reply's file, a rubric category or overall, and a score from 0 to 100 or pass/fail), \
        scores the batch, and reports per category and pooled: Cohen's kappa (pass/fail) or quadratic-weighted kappa \
        (scores) between ReplyQA and the reviewers, and Krippendorff's alpha among the reviewers, each with a bootstrap \
        95% interval over the replies and the number of replies and ratings behind it. `check --calibration FILE` \
        puts the same figures on a calibration page of the report.
        """)

    @OptionGroup var common: CommonOptions
    @Option(name: .customLong("reviews"), help: ArgumentHelp("The reviewers' ratings (HUMAN.csv).", valueName: "file")) var reviews: String
    @Option(name: .customLong("pass-mark"),
            help: "A score at or above this passes, where a category is rated pass/fail.") var passMark: Double = 70
    @Option(help: "Bootstrap resamples for each interval.") var bootstrap: Int = 1000
    @Option(help: "Random seed of the bootstrap: the same seed gives the same intervals.") var seed: UInt64 = 1
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Option(name: .customLong("input-format"),
            help: "Read inputs as: auto (by content), mail, zendesk, freshdesk, intercom, helpscout, front or csv.")
    var inputFormat: InputFormat = .auto
    @Argument(help: ArgumentHelp("The batch the reviewers rated: files, directories or Maildir folders.",
                                 valueName: "path")) var paths: [String]

    func validate() throws {
        if !(0...100).contains(passMark) { throw ValidationError("--pass-mark must be a score from 0 to 100") }
        if !(0...100_000).contains(bootstrap) { throw ValidationError("--bootstrap must be from 0 to 100000 resamples") }
    }

    func run() throws {
        let file = try common.loadFile()
        let checkers = try common.loadCheckers(file)
        let ratings = try CalibrationInput.ratings(reviews)
        common.warnAboutOtherConfigurations(in: paths, using: file)
        let result = BatchProcessor(config: file.configuration, checkers: checkers).reading(inputFormat).run(paths: paths)
        let report = CalibrationInput.calibrate(ratings, records: result.replies, summaries: result.replies.map(\.summary),
                                                calibrator: Calibrator(passMark: passMark, resamples: bootstrap, seed: seed))
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .text:
            // Reviewer names and reply names come from people and emails.
            print(TerminalText.escape(CalibrationInput.text(report)))
        }
        for e in result.failures { warn("\(e.path): error: \(e.reason)") }
        if !result.failures.isEmpty { throw ExitCode(1) }
    }
}
