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

/// The history of scored replies in SQLite: each reply once (by content hash), each run listed,
/// and weekly means per agent for trends.
public final class HistoryStore: @unchecked Sendable {
    let db: DatabaseQueue

    public init(path: String) throws {
        do {
            db = try DatabaseQueue(path: path)
            try Self.migrator.migrate(db)
        } catch let error as DatabaseError {
            throw HistoryError(description: "history \(path): \(error.message ?? "\(error)")")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("recorded_at", .text).notNull()
                t.column("inputs", .text).notNull()
                t.column("replies", .integer).notNull()
                t.column("new_replies", .integer).notNull()
            }
            try db.create(table: "replies") { t in
                t.primaryKey("id", .text)
                t.column("run_id", .integer).notNull().references("runs")
                t.column("agent", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("week", .text).notNull()
                t.column("date", .text)
                t.column("overall", .integer).notNull()
                t.column("categories", .text).notNull()
                t.column("auto_failed", .text).notNull()
                t.column("tone", .text)
            }
            try db.create(index: "replies_agent_week", on: "replies", columns: ["agent", "week"])
        }
        return m
    }

    /// Records a run in one transaction; replies already on record are not counted again.
    @discardableResult
    public func record(_ replies: [ReplySummary], inputs: [String], at date: Date) throws -> HistoryRun {
        let stamp = Self.iso(date)
        let fallbackWeek = ReplySummary.isoWeek(date)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try db.write { db -> HistoryRun in
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
                added += db.changesCount
            }
            try db.execute(sql: "UPDATE runs SET new_replies = ? WHERE id = ?", arguments: [added, run])
            return HistoryRun(id: run, recordedAt: stamp, inputs: inputs.joined(separator: " "), replies: replies.count, newReplies: added)
        }
    }

    public func runs() throws -> [HistoryRun] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, recorded_at, inputs, replies, new_replies FROM runs ORDER BY id").map {
                HistoryRun(id: $0["id"], recordedAt: $0["recorded_at"], inputs: $0["inputs"], replies: $0["replies"], newReplies: $0["new_replies"])
            }
        }
    }

    /// Each agent's weekly trend over everything on record.
    public func trends(agent: String? = nil) throws -> [String: AgentTrend] {
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT agent, week, overall FROM replies" + (agent == nil ? "" : " WHERE agent = ?"),
                             arguments: agent.map { [$0] } ?? [])
        }
        var scores: [String: [String: [Double]]] = [:]
        for row in rows {
            let a: String = row["agent"], w: String = row["week"], o: Int = row["overall"]
            scores[a, default: [:]][w, default: []].append(Double(o))
        }
        return scores.mapValues { weeks in weeks.map { WeekPoint(week: $0.key, overall: Statistics.scoreMean($0.value)) } }
            .reduce(into: [:]) { out, item in out[item.key] = AgentTrend(agent: item.key, weeks: item.value) }
    }

    static func iso(_ date: Date) -> String { date.iso8601 }
}
