import Foundation
import GRDB
import ReplyQACore
import Scoring

/// The reviews table of the history file: one row per reviewed finding (reply, rule, text) or
/// category score (reply, category); a later review of the same thing replaces the row.
enum ReviewStore {
    static let schema = """
        CREATE TABLE IF NOT EXISTS reviews (
            reply TEXT NOT NULL,
            rule TEXT NOT NULL,
            text TEXT NOT NULL,
            category TEXT NOT NULL,
            verdict TEXT NOT NULL,
            score INTEGER,
            reviewer TEXT NOT NULL,
            note TEXT NOT NULL,
            date TEXT NOT NULL,
            file TEXT NOT NULL,
            agent TEXT NOT NULL,
            PRIMARY KEY (reply, rule, text, category));
        """
}

/// What saving reviews changed.
public struct ReviewsSaved: Sendable, Equatable {
    /// Reviews of something not reviewed before.
    public var added: Int
    /// Reviews that replaced an earlier review of the same finding or score.
    public var replaced: Int
    /// Reviews identical to the one on record.
    public var unchanged: Int
}

/// The reviews on record, read once: rows that could not be read are listed, not trapped on.
public struct ReviewSnapshot: Sendable {
    public var reviews: [Review]
    public var damaged: [DamagedRow]
}

extension HistoryStore {
    /// Saves reviews in one transaction; each replaces an earlier review of the same key.
    @discardableResult
    public func save(reviews: [Review]) throws -> ReviewsSaved {
        var saved = ReviewsSaved(added: 0, replaced: 0, unchanged: 0)
        // Of two reviews of one key in the same batch, the later wins, as in a file.
        let latest = ReviewSet(reviews).reviews
        try guarded {
            try db.inTransaction(.immediate) { db in
                for r in latest { try Self.save(r, in: db, counting: &saved) }
                return .commit
            }
        }
        return saved
    }

    /// Writes one review unless the same one is on record, and counts it as added, replaced or unchanged.
    static func save(_ r: Review, in db: Database, counting saved: inout ReviewsSaved) throws {
        let k = r.key
        let existing = try Row.fetchOne(db,
            sql: "SELECT verdict, score, reviewer, note, date, file, agent FROM reviews WHERE reply = ? AND rule = ? AND " +
                "text = ? AND category = ?",
                                        arguments: [k.reply, k.rule, k.text, k.category])
        if let e = existing {
            let verdict: String? = e["verdict"], score: Int? = e["score"]
            let context: [String?] = [e["reviewer"], e["note"], e["date"], e["file"], e["agent"]]
            let same = verdict == r.verdict.rawValue && score == r.score
                && context == [r.reviewer, r.note, r.date, r.file, r.agent]
            if same { saved.unchanged += 1; return }
            saved.replaced += 1
        } else {
            saved.added += 1
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO reviews (reply, rule, text, category, verdict, score, reviewer, note, date, file, agent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [k.reply, k.rule, k.text, k.category, r.verdict.rawValue, r.score, r.reviewer, r.note, r.date,
                             r.file, r.agent])
    }

    /// Removes the reviews of these keys (a review withdrawn); returns how many there were.
    @discardableResult
    public func removeReviews(_ keys: [Review.Key]) throws -> Int {
        var removed = 0
        try guarded {
            try db.inTransaction(.immediate) { db in
                for k in keys {
                    try db.execute(sql: "DELETE FROM reviews WHERE reply = ? AND rule = ? AND text = ? AND category = ?",
                                   arguments: [k.reply, k.rule, k.text, k.category])
                    removed += db.changesCount
                }
                return .commit
            }
        }
        return removed
    }

    /// Every review on record, in key order; damaged rows are left out and listed.
    public func reviewSnapshot() throws -> ReviewSnapshot {
        try guarded {
            try db.read { db in
                // A version 1 file opened read-only has no reviews table: no reviews.
                guard try db.tableExists("reviews") else { return ReviewSnapshot(reviews: [], damaged: []) }
                var reviews: [Review] = [], damaged: [DamagedRow] = []
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT rowid AS rowid, reply, rule, text, category, verdict, score, reviewer, note, date, file, agent
                    FROM reviews ORDER BY reply, rule, text, category
                    """)
                while let row = try rows.next() {
                    if let review = Self.review(row, damaged: &damaged) { reviews.append(review) }
                }
                return ReviewSnapshot(reviews: reviews, damaged: damaged)
            }
        }
    }

    /// The review a row holds, or nil when the row is damaged; its damaged columns are added to `damaged`.
    static func review(_ row: Row, damaged: inout [DamagedRow]) -> Review? {
        var reader = RowReader(row: row, table: "reviews")
        let texts = ["reply", "rule", "text", "category", "reviewer", "note", "date", "file", "agent"].map { reader.text($0) }
        let verdict = reader.text("verdict").flatMap { v -> ReviewVerdict? in
            if let verdict = ReviewVerdict(rawValue: v) { return verdict }
            reader.note("verdict", "one of \(ReviewVerdict.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        var score: Int?
        var scoreOK = true
        if (row["score"] as DatabaseValue).isNull {
            if verdict == .rescored { reader.note("score", "a whole number from 0 to 100"); scoreOK = false }
        } else if let s = reader.integer("score", in: 0...100) { score = Int(s) } else { scoreOK = false }
        damaged += reader.damaged
        guard reader.damaged.isEmpty, scoreOK, let verdict, texts.allSatisfy({ $0 != nil }) else { return nil }
        let t = texts.map { $0! }
        return Review(reply: t[0], rule: t[1], text: t[2], category: t[3], verdict: verdict, score: score,
                      reviewer: t[4], note: t[5], date: t[6], file: t[7], agent: t[8])
    }

    /// Every review on record; a damaged row is an error.
    public func reviews() throws -> [Review] {
        let s = try reviewSnapshot()
        if let first = s.damaged.first { throw HistoryError(description: "history \(path): \(first)") }
        return s.reviews
    }
}
