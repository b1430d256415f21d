import XCTest
import ReplyQACore
import Aggregation
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
        let week46 = (0..<6).map { summary("a\($0)", "Maya", overall: 70 + $0 % 2, week: 46) } + [summary("t1", "Tom", overall: 60, week: 46)]
        let store = try HistoryStore(path: path)
        let first = try store.record(week46, inputs: ["batch46"], at: Date(timeIntervalSince1970: 1_794_900_000))
        XCTAssertEqual(first.newReplies, 7)
        let again = try store.record(week46, inputs: ["batch46"], at: Date(timeIntervalSince1970: 1_794_900_100))
        XCTAssertEqual(again.newReplies, 0, "the same replies are not counted twice")
        let week47 = (0..<6).map { summary("b\($0)", "Maya", overall: 90 + $0 % 2, week: 47) } + [summary("t2", "Tom", overall: 65, week: 47)]
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
}
