import Foundation
import History
import Reports
import ReplyPipeline
import ReplyQACore
import Scoring

/// Where a run's reviews come from: the configuration's `reviews:` file, the run's history and
/// `--reviews` files, later ones winning where two judge the same finding.
enum ReviewSources {
    /// Whether a file is a SQLite database (a history) rather than a reviews.csv or .yml.
    static func isHistory(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return ReviewFile.format(of: path) == nil }
        defer { try? handle.close() }
        return handle.readData(ofLength: 16) == Data("SQLite format 3\0".utf8)
    }

    /// The reviews a file holds: a reviews file's (bad rows are a usage error naming them), or a
    /// history's (a history that cannot be read is a runtime failure).
    static func load(_ path: String, wait: TimeInterval = HistoryStore.defaultBusyTimeout) throws -> [Review] {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageFailure("replyqa: no reviews file at \(path)") }
        if isHistory(path) {
            do { return try HistoryStore(path: path, readOnly: true, busyTimeout: wait).reviews() }
            catch { throw RuntimeFailure("replyqa \(error)") }
        }
        do { return try ReviewFile.read(path: path) } catch { throw UsageFailure("\(error)") }
    }

    /// The configuration's reviews, then `files`, in that order.
    static func load(config: Configuration, files: [String]) throws -> ReviewSet {
        var all: [Review] = []
        for path in (config.reviews.map { [$0] } ?? []) + files { all += try load(path) }
        return ReviewSet(all)
    }

    /// A linted reply without the findings its reviews dispute (as a pattern, or of this very
    /// reply), scored as `check` would score it; the number left out comes back too.
    static func apply(_ reviews: ReviewSet, to record: ReplyRecord, scorecard: ScorecardOptions) -> (ReplyRecord, Int) {
        guard !reviews.isEmpty else { return (record, 0) }
        let reviewed = ReviewedBatch([record], reviews: reviews, scorecard: scorecard)
        var out = reviewed.replies[0]
        let kept = out.findings.indices.filter { !reviewed.isDisputed(0, $0) }
        out.findings = kept.map { out.findings[$0] }
        return (out, record.findings.count - kept.count)
    }
}
