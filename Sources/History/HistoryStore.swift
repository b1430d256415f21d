import Aggregation
import Foundation
import GRDB
import ReplyQACore

/// Why the history database could not be used.
public struct HistoryError: Error, CustomStringConvertible {
    public var description: String
}

/// One recorded run of `replyqa check`.
public struct HistoryRun: Codable, Hashable, Sendable {
    public var id: Int64
    public var recordedAt: String
    public var inputs: String
    public var replies: Int
    /// Replies this run added; the others were recorded by an earlier run (same content hash).
    public var newReplies: Int

    enum CodingKeys: String, CodingKey { case id, recordedAt = "recorded_at", inputs, replies, newReplies = "new_replies" }
}

/// A row of the history file that does not hold what ReplyQA wrote there (edited or damaged file).
public struct DamagedRow: Hashable, Sendable, CustomStringConvertible {
    public var table: String
    public var rowID: Int64
    public var column: String
    /// What the column holds, as text.
    public var found: String
    /// What it should hold.
    public var expected: String

    public var description: String { "\(table) row \(rowID): \(column) is \(found), not \(expected)" }
}

/// Everything on record, read once: the rows that could not be read are listed, not trapped on.
public struct HistorySnapshot: Sendable {
    public var runs: [HistoryRun]
    public var trends: [String: AgentTrend]
    public var damaged: [DamagedRow]
}

/// The history of scored replies in SQLite: each reply once (by content hash), each run listed,
/// and weekly means per agent for trends.
public final class HistoryStore: @unchecked Sendable {
    /// The layout this version reads and writes, kept in `PRAGMA user_version`; a file with a larger
    /// number was written by a newer ReplyQA and is refused, untouched.
    public static let schemaVersion = 2
    /// How long a run waits for another run that is writing the same file.
    public static let defaultBusyTimeout: TimeInterval = 15

    let db: DatabaseQueue
    let path: String

    /// Opens (and, unless `readOnly`, creates or upgrades) the history at `path`. `busyTimeout` is
    /// how long to wait while another process holds the file's write lock.
    public init(path: String, readOnly: Bool = false, busyTimeout: TimeInterval = HistoryStore.defaultBusyTimeout) throws {
        self.path = path
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.readonly = readOnly
        do {
            db = try DatabaseQueue(path: path, configuration: configuration)
            if readOnly {
                _ = try db.read { try Self.checkSchema($0, path: path) }
            } else {
                try db.writeWithoutTransaction { try Self.prepare($0, path: path) }
            }
        } catch let error as DatabaseError {
            throw Self.failure(error, path: path)
        }
    }

    /// Readies a file opened for writing: checks its version, switches it to WAL and creates or
    /// upgrades the tables.
    static func prepare(_ db: Database, path: String) throws {
        // The version is checked before anything is changed, journal mode included.
        try checkSchema(db, path: path)
        // WAL: readers never block the writer, and concurrent writers queue on the busy timeout.
        try db.execute(sql: "PRAGMA journal_mode = WAL")
        try db.inTransaction(.immediate) {
            // Checked again under the write lock: another run may have created the tables meanwhile.
            if try checkSchema(db, path: path) < schemaVersion { try createSchema(db) }
            return .commit
        }
    }

    /// The file's schema version; throws when it is newer than this version reads, or when the file
    /// is some other database.
    @discardableResult
    static func checkSchema(_ db: Database, path: String) throws -> Int {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if version > schemaVersion {
            throw HistoryError(description: "history \(path): written by a newer ReplyQA (history schema \(version); "
                + "this version reads schema \(schemaVersion)); it was left unchanged: use a newer replyqa, or another --history file")
        }
        if version == 0 {
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if !tables.isEmpty && !tables.contains("runs") {
                throw HistoryError(description: "history \(path): a SQLite database, but not a ReplyQA history "
                    + "(its tables: \(tables.sorted().joined(separator: ", "))); it was left unchanged")
            }
        }
        return version
    }

    /// Version 2 (version 1 and the reviews table). `IF NOT EXISTS` adopts files written before
    /// the version was recorded and upgrades version 1 files, keeping their rows.
    static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recorded_at TEXT NOT NULL,
                inputs TEXT NOT NULL,
                replies INTEGER NOT NULL,
                new_replies INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS replies (
                id TEXT PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                agent TEXT NOT NULL,
                channel TEXT NOT NULL,
                week TEXT NOT NULL,
                date TEXT,
                overall INTEGER NOT NULL,
                categories TEXT NOT NULL,
                auto_failed TEXT NOT NULL,
                tone TEXT);
            CREATE INDEX IF NOT EXISTS replies_agent_week ON replies(agent, week);
            \(ReviewStore.schema)
            PRAGMA user_version = \(schemaVersion);
            """)
    }

    /// A database error in the words a user needs: which file, and what to do about a lock.
    static func failure(_ error: DatabaseError, path: String) -> HistoryError {
        let message = error.message ?? "\(error)"
        if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return HistoryError(description: "history \(path): \(message): another process kept it locked for longer than the wait")
        }
        return HistoryError(description: "history \(path): \(message)")
    }

    /// Runs `body`, turning database errors into `HistoryError`s that name the file.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError { throw Self.failure(error, path: path) }
    }

    /// Records a run in one transaction; replies already on record are not counted again, but take
    /// this run's scores when reviews changed them.
    @discardableResult
    public func record(_ replies: [ReplySummary], inputs: [String], at date: Date) throws -> HistoryRun {
        let stamp = Self.iso(date)
        let fallbackWeek = ReplySummary.isoWeek(date)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var result: HistoryRun?
        try guarded {
            // Immediate: the write lock is taken (or waited for) before anything is read.
            try db.inTransaction(.immediate) { db in
                try db.execute(sql: "INSERT INTO runs (recorded_at, inputs, replies, new_replies) VALUES (?, ?, ?, 0)",
                               arguments: [stamp, inputs.joined(separator: " "), replies.count])
                let run = db.lastInsertedRowID
                var added = 0
                for r in replies {
                    let categories = String(decoding: try encoder.encode(r.categories), as: UTF8.self)
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO replies (id, run_id, agent, channel, week, date, overall, categories, auto_failed, tone)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [r.id, run, r.agent, r.channel, r.week ?? fallbackWeek, r.date.map(Self.iso), r.overall,
                                         categories, r.autoFailed.joined(separator: " "), r.toneLabel])
                    if db.changesCount > 0 { added += 1; continue }
                    // A reply on record whose scores changed since (a review disputed one of its
                    // findings or set a category score) keeps its place and takes the new scores. A
                    // damaged row is left as it is, to be reported, not quietly written over.
                    try db.execute(sql: """
                        UPDATE replies SET overall = ?, categories = ?, auto_failed = ?
                        WHERE id = ? AND typeof(overall) = 'integer' AND typeof(categories) = 'text' AND typeof(auto_failed) = 'text'
                          AND (overall IS NOT ? OR categories IS NOT ? OR auto_failed IS NOT ?)
                        """, arguments: [r.overall, categories, r.autoFailed.joined(separator: " "), r.id,
                                         r.overall, categories, r.autoFailed.joined(separator: " ")])
                }
                try db.execute(sql: "UPDATE runs SET new_replies = ? WHERE id = ?", arguments: [added, run])
                result = HistoryRun(id: run, recordedAt: stamp, inputs: inputs.joined(separator: " "), replies: replies.count,
                                    newReplies: added)
                return .commit
            }
        }
        guard let result else { throw HistoryError(description: "history \(path): the run was not recorded") }
        return result
    }

    /// Every run and each agent's weekly trend (of `agent` only, when given), in one read; damaged
    /// rows are left out and listed.
    public func snapshot(agent: String? = nil) throws -> HistorySnapshot {
        try guarded {
            try db.read { db in
                var damaged: [DamagedRow] = []
                let hasTables = try db.tableExists("runs") && db.tableExists("replies")
                guard hasTables else { return HistorySnapshot(runs: [], trends: [:], damaged: []) }
                let runs = try Self.readRuns(db, damaged: &damaged)
                let trends = try Self.readTrends(db, agent: agent, damaged: &damaged)
                return HistorySnapshot(runs: runs, trends: trends, damaged: damaged)
            }
        }
    }

    /// The recorded runs; a damaged row is an error.
    public func runs() throws -> [HistoryRun] {
        let s = try snapshot()
        if let first = s.damaged.first { throw HistoryError(description: "history \(path): \(first)") }
        return s.runs
    }

    /// Each agent's weekly trend over everything on record; a damaged row is an error.
    public func trends(agent: String? = nil) throws -> [String: AgentTrend] {
        let s = try snapshot(agent: agent)
        if let first = s.damaged.first { throw HistoryError(description: "history \(path): \(first)") }
        return s.trends
    }

    static func readRuns(_ db: Database, damaged: inout [DamagedRow]) throws -> [HistoryRun] {
        var runs: [HistoryRun] = []
        let rows =
            try Row.fetchCursor(db, sql: "SELECT rowid AS rowid, id, recorded_at, inputs, replies, new_replies FROM runs ORDER BY rowid")
        while let row = try rows.next() {
            var reader = RowReader(row: row, table: "runs")
            if let id = reader.integer("id"), let at = reader.text("recorded_at"), let inputs = reader.text("inputs"),
               let replies = reader.integer("replies", in: 0...Int64(Int32.max)),
               let added = reader.integer("new_replies", in: 0...Int64(Int32.max)) {
                runs.append(HistoryRun(id: id, recordedAt: at, inputs: inputs, replies: Int(replies), newReplies: Int(added)))
            }
            damaged += reader.damaged
        }
        return runs
    }

    static func readTrends(_ db: Database, agent: String?, damaged: inout [DamagedRow]) throws -> [String: AgentTrend] {
        var scores: [String: [String: [Double]]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid AS rowid, agent, week, overall FROM replies"
            + (agent == nil ? "" : " WHERE agent = ?"),
                                       arguments: agent.map { [$0] } ?? [])
        while let row = try rows.next() {
            var reader = RowReader(row: row, table: "replies")
            if let a = reader.text("agent"), let w = reader.text("week"), let o = reader.integer("overall", in: 0...100) {
                scores[a, default: [:]][w, default: []].append(Double(o))
            }
            damaged += reader.damaged
        }
        return scores.mapValues { weeks in weeks.map { WeekPoint(week: $0.key, overall: Statistics.scoreMean($0.value)) } }
            .reduce(into: [:]) { out, item in out[item.key] = AgentTrend(agent: item.key, weeks: item.value) }
    }

    static func iso(_ date: Date) -> String { date.iso8601 }
}

/// Reads a row's columns without trapping: a value of the wrong kind is noted as damage.
struct RowReader {
    let row: Row
    let table: String
    var damaged: [DamagedRow] = []

    init(row: Row, table: String) { self.row = row; self.table = table }

    var rowID: Int64 {
        if case .int64(let v) = (row["rowid"] as DatabaseValue).storage { return v }
        return 0
    }

    mutating func note(_ column: String, _ expected: String) {
        damaged.append(DamagedRow(table: table, rowID: rowID, column: column, found: Self.shown(row[column]), expected: expected))
    }

    mutating func text(_ column: String) -> String? {
        if case .string(let s) = (row[column] as DatabaseValue).storage { return s }
        note(column, "text")
        return nil
    }

    mutating func integer(_ column: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) -> Int64? {
        let value: Int64?
        switch (row[column] as DatabaseValue).storage {
        case .int64(let v): value = v
        // A whole number stored as REAL is still the number.
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: value = Int64(d)
        default: value = nil
        }
        if let value, range.contains(value) { return value }
        note(column, range == Int64.min...Int64.max ? "a whole number" : "a whole number from \(range.lowerBound) to \(range.upperBound)")
        return nil
    }

    /// A stored value in a message: short, and kind first when it is not text.
    static func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "empty (NULL)"
        case .int64(let v): return "\(v)"
        case .double(let d): return "\(d)"
        case .string(let s): return "“" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "”"
        case .blob(let data): return "binary data (\(data.count) byte\(data.count == 1 ? "" : "s"))"
        }
    }
}
