import XCTest
import Aggregation
import GRDB
import ReplyQACore
import Scoring
@testable import History

final class ReviewStoreTests: XCTestCase {
    func temporaryHistory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reviews-\(UUID()).sqlite").path
        addTeardownBlock { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        return path
    }

    func temporaryFile(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID())-\(name)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Reviews whose texts a spreadsheet or YAML could mangle: commas, quotes, line breaks, a
    /// formula, a leading quote, a dash, non-ASCII and a bidi control, a masked card number.
    let tricky: [Review] = [
        Review(reply: "0d683b42e73c9f73d7e7b45926d7ff6f", rule: "spelling", text: "recieve", verdict: .disputed, reviewer: "Ana Lima",
               note: "brand name, \"Recieve\" is our app", date: "2026-11-24", file: "chat/cur/1794872820.C01:2,S", agent: "Priya Raman"),
        Review(reply: "*", rule: "spelling", text: "Northwind", verdict: .disputed, reviewer: "Ben", note: "line one\nline two\r\nthree",
               date: "2026-11-24"),
        Review(reply: "7e149a37ef499365eda2a86b9144d2f8", rule: "card-number", text: "•••• •••• •••• 1111", verdict: .upheld,
               reviewer: "=HYPERLINK(\"x\")",
               note: "'quoted", date: "2026-11-25T10:00:00Z", file: "email/T11-reply.eml", agent: "Sam Patel"),
        Review(reply: "2a247059e6096a6d9b644c1499deb991", category: "empathy", verdict: .rescored, score: 40, reviewer: "-5",
               note: "@cold \u{202E}txt",
               date: "2026-11-25", file: "email/T14, reply.eml", agent: "Jürgen Weber"),
        Review(reply: "fae852b4ef3603edcc703b4eecd88e88", rule: "missing-greeting",
               text: "As I already told you, orders ship within 5 to 7 business days.",
               verdict: .disputed, reviewer: "", note: "", date: "", file: "", agent: ""),
    ]

    func testSavedReviewsAreReadBackAndALaterReviewReplacesAnEarlierOne() throws {
        let store = try HistoryStore(path: temporaryHistory())
        XCTAssertEqual(try store.save(reviews: tricky), ReviewsSaved(added: 5, replaced: 0, unchanged: 0))
        XCTAssertEqual(try store.reviews(), ReviewSet(tricky).reviews)
        XCTAssertEqual(try store.save(reviews: tricky), ReviewsSaved(added: 0, replaced: 0, unchanged: 5),
                       "saving the same again changes nothing")
        var changed = tricky[0]
        changed.verdict = .upheld
        changed.note = "on second thought, a typo"
        XCTAssertEqual(try store.save(reviews: [changed]), ReviewsSaved(added: 0, replaced: 1, unchanged: 0))
        let after = try store.reviews()
        XCTAssertEqual(after.count, 5)
        XCTAssertEqual(after.first { $0.key == changed.key }?.verdict, .upheld)
        XCTAssertEqual(try store.removeReviews([changed.key, tricky[1].key]), 2)
        XCTAssertEqual(try store.reviews().count, 3)
    }

    /// Import, export and import again loses nothing, in either format; the second export is the
    /// first byte for byte.
    func testImportExportAndReimportLoseNothing() throws {
        for format in ["csv", "yml"] {
            let source = temporaryFile("reviews.\(format)")
            try ReviewFile.write(tricky, to: source)
            let imported = try ReviewFile.read(path: source)
            XCTAssertEqual(imported, tricky, format)
            let store = try HistoryStore(path: temporaryHistory())
            try store.save(reviews: imported)
            for other in ["csv", "yml"] {
                let exported = temporaryFile("export.\(other)")
                try ReviewFile.write(try store.reviews(), to: exported)
                let again = try HistoryStore(path: temporaryHistory())
                try again.save(reviews: try ReviewFile.read(path: exported))
                XCTAssertEqual(try again.reviews(), try store.reviews(), "\(format) → \(other)")
                let second = temporaryFile("second.\(other)")
                try ReviewFile.write(try again.reviews(), to: second)
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: exported)), try Data(contentsOf: URL(fileURLWithPath: second)),
                               "\(format) → \(other)")
            }
        }
    }

    /// The CSV a spreadsheet writes: columns in another order, CR LF, an empty trailing column.
    func testASpreadsheetsCSVIsRead() throws {
        let csv = "Verdict,Rule,Text,Reply,Reviewer,Note\r\ndisputed,spelling,Northwind,*,Ana,\"brand, ours\"\r\nrescored,,,abc,Ana,\r\n"
        XCTAssertThrowsError(try ReviewFile.parse(csv: csv, name: "r.csv")) { error in
            XCTAssertTrue("\(error)".contains("r.csv:3: error: category"), "\(error)")
            XCTAssertTrue("\(error)".contains("r.csv:3: error: score"), "\(error)")
        }
        let good =
            try ReviewFile.parse(csv: "Verdict,Rule,Text,Reply,Reviewer,Note\r\ndisputed,spelling,Northwind,*,Ana,\"brand, ours\"\r\n")
        XCTAssertEqual(good, [Review(reply: "*", rule: "spelling", text: "Northwind", verdict: .disputed, reviewer: "Ana",
                                     note: "brand, ours")])
    }

    /// Every bad row is named with its line; a file with any bad row imports nothing.
    func testBadRowsAreNamedByLine() throws {
        let csv = """
            reply,rule,text,verdict,score,colour
            abc,spelling,x,disputed,,
            """
        XCTAssertThrowsError(try ReviewFile.parse(csv: csv, name: "reviews.csv")) {
            XCTAssertTrue("\($0)".contains("reviews.csv:1: error: unknown column “colour”"), "\($0)")
        }
        let rows = """
            reply,rule,text,verdict,score
            abc,spelling,x,wrong,
            ,spelling,x,disputed,
            abc,,x,upheld,
            abc,spelling,x,disputed,50
            """
        XCTAssertThrowsError(try ReviewFile.parse(csv: rows, name: "reviews.csv")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("reviews.csv:2: error: verdict: expected one of disputed, upheld, rescored; found “wrong”"), text)
            XCTAssertTrue(text.contains("reviews.csv:3: error: reply"), text)
            XCTAssertTrue(text.contains("reviews.csv:4: error: rule"), text)
            XCTAssertTrue(text.contains("reviews.csv:5: error: score: only a rescored review has a score"), text)
        }
        let yaml = """
            reviews:
              - reply: abc
                rule: spelling
                verdict: disputed
              - reply: abc
                verdikt: disputed
            """
        XCTAssertThrowsError(try ReviewFile.parse(yaml: yaml, name: "reviews.yml")) {
            XCTAssertTrue("\($0)".contains("reviews.yml:6: error: unknown key “verdikt”"), "\($0)")
        }
        XCTAssertEqual(try ReviewFile.parse(yaml: "reviews: []\n"), [])
    }

    /// A version 1 history (before reviews) is upgraded in place: its runs and replies stay, and
    /// it keeps reviews from then on; opened read-only it has none.
    func testAVersionOneHistoryIsUpgradedKeepingItsRows() throws {
        let path = temporaryHistory()
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL, inputs TEXT NOT NULL,
                    replies INTEGER NOT NULL, new_replies INTEGER NOT NULL);
                CREATE TABLE replies (id TEXT PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), agent TEXT NOT NULL,
                    channel TEXT NOT NULL, week TEXT NOT NULL, date TEXT, overall INTEGER NOT NULL, categories TEXT NOT NULL,
                    auto_failed TEXT NOT NULL, tone TEXT);
                INSERT INTO runs VALUES (1, '2026-11-16T09:00:00Z', 'batch', 1, 1);
                INSERT INTO replies VALUES ('r1', 1, 'Maya', 'email', '2026-W47', NULL, 80, '{}', '', 'warm');
                PRAGMA user_version = 1;
                """)
        }
        try old.close()
        XCTAssertEqual(try HistoryStore(path: path, readOnly: true).reviews(), [])
        let store = try HistoryStore(path: path)
        XCTAssertEqual(try store.db.read { try Int.fetchOne($0, sql: "PRAGMA user_version") }, 2)
        XCTAssertEqual(try store.runs().count, 1)
        XCTAssertEqual(try store.trends()["Maya"]?.weeks.first?.overall.mean, 80)
        try store.save(reviews: [tricky[0]])
        XCTAssertEqual(try store.reviews(), [tricky[0]])
    }

    func testADamagedReviewRowIsNamed() throws {
        let path = temporaryHistory()
        let store = try HistoryStore(path: path)
        try store.save(reviews: [tricky[0], tricky[3]])
        try store.db.write { try $0.execute(
            sql: "UPDATE reviews SET verdict = 'maybe' WHERE rule = 'spelling'; UPDATE reviews SET score = 400 WHERE category = " +
                "'empathy'") }
        let snapshot = try store.reviewSnapshot()
        XCTAssertEqual(snapshot.reviews, [])
        XCTAssertEqual(snapshot.damaged.map(\.description).sorted(), [
            "reviews row 1: verdict is “maybe”, not one of disputed, upheld, rescored",
            "reviews row 2: score is 400, not a whole number from 0 to 100",
        ])
        XCTAssertThrowsError(try store.reviews())
    }

    /// A reply recorded again with other scores (a review changed them) takes the new scores, and
    /// is still not counted as new.
    func testAReRecordedReplyTakesItsReviewedScores() throws {
        let store = try HistoryStore(path: temporaryHistory())
        func summary(_ overall: Int) -> ReplySummary {
            ReplySummary(id: "r1", file: "r1.eml", messageID: "r1", agent: "Maya", channel: "email",
                         date: Date(timeIntervalSince1970: 1_794_268_800 + 3600), words: 40, overall: overall,
                         categories: ["empathy": overall], autoFailed: [], findings: [], toneLabel: "neutral", tone: [:], evidence: [])
        }
        XCTAssertEqual(try store.record([summary(60)], inputs: ["a"], at: Date()).newReplies, 1)
        XCTAssertEqual(try store.record([summary(75)], inputs: ["a"], at: Date()).newReplies, 0)
        XCTAssertEqual(try store.trends()["Maya"]?.weeks.map(\.overall.mean), [75])
    }
}
