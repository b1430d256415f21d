import XCTest
import Foundation

/// The weekly workflow through the command line: report, history, sample.
final class ReportCommandTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples").path
    var config: String { Self.samples + "/replyqa.yml" }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-cmd-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testCheckWritesTheReportAndRerunsGiveTheSameJSON() throws {
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("report").path
        let first = try runReplyQA(["check", Self.samples, "--config", config, "--out", out, "--quiet"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("Report: \(out)/index.html (19 files"), first.stdout)
        XCTAssertEqual(first.stderr, "", "--quiet prints no progress")
        let a = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
        let second = try runReplyQA(["check", Self.samples, "--config", config, "--out", out, "--quiet"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/report.json")), a, "same input, same report.json")
        let stamped = try runReplyQA(["check", Self.samples, "--config", config, "--out", out, "--quiet", "--now"])
        XCTAssertEqual(stamped.status, 0)
        XCTAssertTrue(try String(contentsOfFile: out + "/report.json", encoding: .utf8).contains("\"generated_at\""))
        // A folder ReplyQA did not write is left alone, with a clear error.
        let precious = dir.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: precious, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: precious.appendingPathComponent("keep.txt"))
        let refused = try runReplyQA(["check", Self.samples, "--config", config, "--out", precious.path, "--quiet"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("was not written by ReplyQA"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: precious.appendingPathComponent("keep.txt"), encoding: .utf8), "keep")
    }

    /// Killing a run leaves the earlier report whole.
    func testAKilledRunLeavesTheEarlierReport() throws {
        let dir = try temporaryFolder()
        let out = dir.appendingPathComponent("report").path
        XCTAssertEqual(try runReplyQA(["check", Self.samples, "--config", config, "--out", out, "--quiet"]).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
        // A larger batch, so the run is still going when it is killed.
        let big = dir.appendingPathComponent("big")
        for k in 0..<12 { try FileManager.default.copyItem(atPath: Self.samples + "/email",
                                                           toPath: big.appendingPathComponent("e\(k)").path) }
        for delay in [0.3, 0.9] {
            let process = Process()
            process.executableURL = try replyqaBinary()
            process.arguments = ["check", big.path, "--config", config, "--out", out, "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
            XCTAssertEqual(after, before, "killed after \(delay) s: the report is the earlier one, whole")
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/index.html"))
        }
    }

    func testHistoryCountsEachReplyOnceAndShowsTrends() throws {
        let dir = try temporaryFolder()
        let history = dir.appendingPathComponent("history.sqlite").path
        let first = try runReplyQA(["check", Self.samples, "--config", config, "--history", history, "--out",
                                    dir.appendingPathComponent("r").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("recorded 31 new of 31 replies"), first.stderr)
        let second = try runReplyQA(["check", Self.samples, "--config", config, "--history", history, "--out",
                                     dir.appendingPathComponent("r").path])
        XCTAssertTrue(second.stderr.contains("recorded 0 new of 31 replies"), second.stderr)
        let listed = try runReplyQA(["history", "--history", history, "--format", "json"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["runs"] as? [[String: Any]])?.map { $0["new_replies"] as? Int }, [31, 0])
        let trends = try XCTUnwrap(json["trends"] as? [[String: Any]])
        XCTAssertEqual(trends.count, 6)
        XCTAssertEqual((trends.first?["weeks"] as? [[String: Any]])?.first?["week"] as? String, "2026-W47")
        let text = try runReplyQA(["history", "--history", history, "--agent", "Maya Chen"])
        XCTAssertTrue(text.stdout.contains("Maya Chen\n  2026-W47  mean 91.5"), text.stdout)
        XCTAssertEqual(try runReplyQA(["history", "--history", dir.appendingPathComponent("none.sqlite").path]).status, 2)
    }

    func testSampleIsReproducibleStratifiedAndScorable() throws {
        let dir = try temporaryFolder()
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let first = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2", "--seed", "7", "--out", a])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("12 replies from 6 strata"), first.stdout)
        XCTAssertEqual(try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2", "--seed", "7",
                                       "--out", b]).status, 0)
        let manifest = try String(contentsOfFile: a + "/manifest.csv", encoding: .utf8)
        XCTAssertEqual(manifest, try String(contentsOfFile: b + "/manifest.csv", encoding: .utf8), "same seed, same sample")
        let listed = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2", "--seed", "7"])
        XCTAssertEqual(listed.stdout.split(separator: "\n").map { $0.split(separator: ",").prefix(5) },
                       manifest.split(separator: "\n").map { $0.split(separator: ",").prefix(5) }, "the listing is the manifest")
        let other = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2", "--seed", "8"])
        XCTAssertNotEqual(other.stdout, listed.stdout, "another seed draws another sample")

        // The copies (social mbox messages as .eml) are scored as the same replies, with their customer messages.
        let scored = try runReplyQA(["check", a, "--config", config, "--format", "json"])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        let replies = try XCTUnwrap(json["replies"] as? [[String: Any]])
        XCTAssertEqual(replies.count, 12)
        let sampledIDs = Set(manifest.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[3]) })
        XCTAssertEqual(Set(replies.compactMap { $0["message_id"] as? String }), sampledIDs)
        XCTAssertTrue(replies.contains { $0["channel"] as? String == "social" })
        XCTAssertTrue(replies.allSatisfy { ($0["question"] as? [String: Any])?["source"] as? String != nil })
        XCTAssertEqual(Dictionary(grouping: replies, by: { $0["agent"] as? String ?? "" }).mapValues(\.count).values.sorted(),
                       [2, 2, 2, 2, 2, 2])

        let perChannel = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "1", "--per-channel", "--seed", "7"])
        XCTAssertTrue(perChannel.stdout.contains("Daniel Okafor / social"), perChannel.stdout)
        XCTAssertTrue(perChannel.stdout.contains("Daniel Okafor / email"), perChannel.stdout)
        XCTAssertEqual(try runReplyQA(["sample", Self.samples, "--per-agent", "0"]).status, 2)
    }
}
