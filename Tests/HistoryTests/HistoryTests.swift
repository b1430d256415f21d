import XCTest
import ReplyQACore
import Aggregation
import GRDB
@testable import History

final class HistoryTests: XCTestCase {
    func summary(_ id: String, _ agent: String, overall: Int, week: Int) -> ReplySummary {
        // 2026-W46 starts on 9 November 2026; each week is 604,800 seconds.
        let date = Date(timeIntervalSince1970: 1_794_268_800 + Double(week - 46) * 604_800 + 3600)
        return ReplySummary(id: id, file: "\(id).eml", messageID: id, agent: agent, channel: "email", date: date, words: 40,
                            overall: overall, categories: ["empathy": overall], autoFailed: [], findings: [], toneLabel: "neutral",
                            tone: [:], evidence: [])
    }

    func testRerunningTheSameBatchDoesNotCountTwiceAndTrendsFollowTheWeeks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let week46 = (0..<6).map { summary("a\($0)", "Maya", overall: 70 + $0 % 2, week: 46) }
            + [summary("t1", "Tom", overall: 60, week: 46)]
        let store = try HistoryStore(path: path)
        let first = try store.record(week46, inputs: ["batch46"], at: Date(timeIntervalSince1970: 1_794_900_000))
        XCTAssertEqual(first.newReplies, 7)
        let again = try store.record(week46, inputs: ["batch46"], at: Date(timeIntervalSince1970: 1_794_900_100))
        XCTAssertEqual(again.newReplies, 0, "the same replies are not counted twice")
        let week47 = (0..<6).map { summary("b\($0)", "Maya", overall: 90 + $0 % 2, week: 47) }
            + [summary("t2", "Tom", overall: 65, week: 47)]
        try store.record(week47, inputs: ["batch47"], at: Date(timeIntervalSince1970: 1_795_500_000))

        // A second handle on the same file sees everything.
        let reopened = try HistoryStore(path: path)
        XCTAssertEqual(try reopened.runs().map(\.newReplies), [7, 0, 7])
        let trends = try reopened.trends()
        XCTAssertEqual(trends["Maya"]?.weeks.map(\.week), ["2026-W46", "2026-W47"])
        XCTAssertEqual(trends["Maya"]?.weeks.map(\.overall.n), [6, 6])
        XCTAssertEqual(trends["Maya"]?.change?.clear, true)
        XCTAssertEqual(trends["Maya"]?.change?.delta, 20)
        XCTAssertEqual(trends["Tom"]?.change?.clear, false, "one reply a week says nothing")
        XCTAssertEqual(try reopened.trends(agent: "Tom").keys.sorted(), ["Tom"])
    }

    func testAFileThatIsNotADatabaseIsAClearError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("this is not sqlite, just text that is long enough to have a header........".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try HistoryStore(path: path)) { XCTAssertTrue("\($0)".contains("history"), "\($0)") }
    }

    func temporaryHistory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID()).sqlite").path
        addTeardownBlock { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        return path
    }

    /// A file written before the schema version was recorded (by the migrator of earlier versions) is
    /// adopted as version 1, with its runs and replies.
    func testAHistoryWithoutASchemaVersionIsAdopted() throws {
        let path = temporaryHistory()
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1');
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, inputs TEXT NOT NULL,
                                   replies INTEGER NOT NULL, new_replies INTEGER NOT NULL);
                CREATE TABLE replies (id TEXT PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), agent TEXT NOT NULL,
                                      channel TEXT NOT NULL, week TEXT NOT NULL, date TEXT, overall INTEGER NOT NULL,
                                      categories TEXT NOT NULL, auto_failed TEXT NOT NULL, tone TEXT);
                INSERT INTO runs VALUES (1, '2026-11-16T09:00:00Z', 'batch46', 1, 1);
                INSERT INTO replies VALUES ('a0', 1, 'Maya', 'email', '2026-W46', NULL, 80, '{}', '', NULL);
                """)
        }
        try old.close()
        let store = try HistoryStore(path: path)
        XCTAssertEqual(try store.runs().map(\.inputs), ["batch46"])
        try store.record([summary("b0", "Maya", overall: 90, week: 47)], inputs: ["batch47"],
                         at: Date(timeIntervalSince1970: 1_795_500_000))
        XCTAssertEqual(try store.trends()["Maya"]?.weeks.map(\.week), ["2026-W46", "2026-W47"])
        XCTAssertEqual(try store.db.read { try Int.fetchOne($0, sql: "PRAGMA user_version") }, HistoryStore.schemaVersion)
        XCTAssertEqual(try store.db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "wal")
    }

    /// Damaged rows are listed and left out; `runs()` and `trends()` throw rather than trap.
    func testDamagedRowsAreListedNotTrapped() throws {
        let path = temporaryHistory()
        let store = try HistoryStore(path: path)
        try store.record((0..<3).map { summary("a\($0)", "Maya", overall: 70, week: 46) }, inputs: ["batch46"],
                         at: Date(timeIntervalSince1970: 1_794_900_000))
        try store.db.write { db in
            try db.execute(sql: "UPDATE replies SET overall = 'seventy' WHERE id = 'a0'")
            try db.execute(sql: "UPDATE replies SET overall = 7000 WHERE id = 'a1'")
            try db.execute(sql: "UPDATE replies SET agent = x'ff' WHERE id = 'a2'")
        }
        let snapshot = try store.snapshot()
        XCTAssertEqual(snapshot.runs.count, 1)
        XCTAssertEqual(snapshot.trends, [:])
        XCTAssertEqual(snapshot.damaged.map(\.description), [
            "replies row 1: overall is “seventy”, not a whole number from 0 to 100",
            "replies row 2: overall is 7000, not a whole number from 0 to 100",
            "replies row 3: agent is binary data (1 byte), not text",
        ])
        XCTAssertThrowsError(try store.trends()) { XCTAssertTrue("\($0)".contains("replies row 1: overall is “seventy”"), "\($0)") }
    }

    /// A file from a newer schema is refused with what to do, and not changed (not even its journal mode).
    func testANewerSchemaIsRefusedUntouched() throws {
        let path = temporaryHistory()
        let newer = try DatabaseQueue(path: path)
        try newer.write { try $0.execute(
            sql: "CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = \(HistoryStore.schemaVersion + 1)") }
        try newer.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for readOnly in [false, true] {
            XCTAssertThrowsError(try HistoryStore(path: path, readOnly: readOnly)) {
                XCTAssertTrue(
                    "\($0)".contains(
                        "written by a newer ReplyQA (history schema " +
                            "\(HistoryStore.schemaVersion + 1); this version reads schema \(HistoryStore.schemaVersion))"), "\($0)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// Two stores on one file write at the same time: the busy timeout queues them.
    func testConcurrentWritersWait() throws {
        let path = temporaryHistory()
        _ = try HistoryStore(path: path)
        let errors = ErrorBox()
        let batches = (0..<4).map { k in (0..<5).map { summary("r\(k)-\($0)", "Maya", overall: 80, week: 46) } }
        DispatchQueue.concurrentPerform(iterations: 4) { k in
            do {
                let store = try HistoryStore(path: path)
                for reply in batches[k] { try store.record([reply], inputs: ["w\(k)"], at: Date(timeIntervalSince1970: 1_794_900_000)) }
            } catch { errors.add("\(error)") }
        }
        XCTAssertEqual(errors.all, [])
        XCTAssertEqual(try HistoryStore(path: path).runs().count, 20)
    }
}

/// Errors collected from concurrent work.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ e: String) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
