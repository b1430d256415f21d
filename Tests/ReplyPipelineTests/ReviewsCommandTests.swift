import XCTest
import Foundation

/// `replyqa reviews`, `check` honouring them, and `lint --accept/--disable` and the team's reviews.
final class ReviewsCommandTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples").path

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-reviews-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func replies(_ report: URL) throws -> [[String: Any]] {
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: report.appendingPathComponent("report.json"))) as? [String: Any])
        return try XCTUnwrap(json["replies"] as? [[String: Any]])
    }

    func testADisputeByFingerprintHoldsInTheNextRunAndSurvivesExportAndImport() throws {
        let dir = try folder()
        let report = dir.appendingPathComponent("report"), history = dir.appendingPathComponent("qa.sqlite").path
        let config = Self.samples + "/replyqa.yml"
        let first = try runReplyQA(["check", Self.samples, "--config", config, "--out", report.path, "--history", history, "--quiet"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try replies(report)
        let target = try XCTUnwrap(before.first { r in (
            r["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == "card-number" } == true })
        let finding = try XCTUnwrap((target["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "card-number" })
        let fingerprint = try XCTUnwrap(finding["fingerprint"] as? String)
        XCTAssertEqual(target["overall"] as? Int, 0)
        XCTAssertTrue(try String(contentsOf: report.appendingPathComponent("agents/sam-patel.html"), encoding: .utf8)
            .contains("replyqa reviews dispute \(fingerprint) --report \(report.path) --history \(history)"),
            "the page says how to dispute it")

        let dispute = try runReplyQA(["reviews", "dispute", String(fingerprint.prefix(8)), "--report", report.path, "--history", history,
                                      "--reviewer", "Ana", "--note", "a test card from the docs", "--date", "2026-11-24"])
        XCTAssertEqual(dispute.status, 0, dispute.stderr)
        XCTAssertTrue(dispute.stdout.contains("1 review added"), dispute.stdout)
        let list = try runReplyQA(["reviews", "--history", history])
        XCTAssertTrue(list.stdout.contains("disputed  card-number “•••• •••• •••• 1111”"), list.stdout)
        XCTAssertTrue(list.stdout.contains("Ana 2026-11-24: a test card from the docs"), list.stdout)

        let second = try runReplyQA(["check", Self.samples, "--config", config, "--out", report.path, "--history", history, "--quiet"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let after = try replies(report)
        let same = try XCTUnwrap(after.first { $0["id"] as? String == target["id"] as? String })
        let disputed = try XCTUnwrap((same["findings"] as? [[String: Any]])?.first { $0["fingerprint"] as? String == fingerprint })
        XCTAssertEqual(disputed["disputed"] as? Bool, true)
        XCTAssertGreaterThan(same["overall"] as? Int ?? 0, 0, "the disputed auto-fail no longer fails the reply")
        XCTAssertEqual(same["auto_failed"] as? [String], [])

        // Export, import into another history, export again: the same file.
        let csv = dir.appendingPathComponent("reviews.csv").path, again = dir.appendingPathComponent("again.csv").path
        let other = dir.appendingPathComponent("other.sqlite").path
        XCTAssertEqual(try runReplyQA(["reviews", "export", csv, "--history", history]).status, 0)
        let imported = try runReplyQA(["reviews", "import", csv, "--history", other])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try runReplyQA(["reviews", "export", again, "--history", other]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), try Data(contentsOf: URL(fileURLWithPath: again)))

        // A bad file imports nothing and names the line.
        let bad = dir.appendingPathComponent("bad.csv")
        try "reply,rule,text,verdict\nabc,spelling,x,disputed\nabc,spelling,y,maybe\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try runReplyQA(["reviews", "import", bad.path, "--history", other])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("bad.csv:3: error: verdict"), refused.stderr)
        XCTAssertEqual(try runReplyQA(["reviews", "--history", other]).stdout.contains("1 review in"), true)

        // Withdrawn, the finding counts again.
        XCTAssertEqual(try runReplyQA(["reviews", "withdraw", fingerprint, "--history", history]).status, 0)
        _ = try runReplyQA(["check", Self.samples, "--config", config, "--out", report.path, "--history", history, "--quiet"])
        XCTAssertEqual(try replies(report).first { $0["id"] as? String == target["id"] as? String }?["overall"] as? Int, 0)
    }

    func testLintAcceptsWordsDisablesRulesAndHonoursTheTeamsReviews() throws {
        let dir = try folder()
        let draft = dir.appendingPathComponent("draft.txt")
        try "Hi Sam,\n\nYour Trailflex order will arrive tomorow.\n\nThanks for your patience,\nAna\n".write(to: draft, atomically: true,
                                                                                                             encoding: .utf8)
        let plain = try runReplyQA(["lint", "--fail-on", "warning", draft.path])
        XCTAssertEqual(plain.status, 1, plain.stdout)
        XCTAssertTrue(plain.stdout.contains("“tomorow”"), plain.stdout)
        let accepted = try runReplyQA(["lint", "--fail-on", "warning", "--accept", "tomorow", draft.path])
        XCTAssertFalse(accepted.stdout.contains("“tomorow”"), accepted.stdout)
        let disabled = try runReplyQA(["lint", "--fail-on", "warning", "--disable", "spelling", draft.path])
        XCTAssertFalse(disabled.stdout.contains("[spelling]"), disabled.stdout)
        let unknown = try runReplyQA(["lint", "--disable", "speling", draft.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("did you mean"), unknown.stderr)

        // The team's reviews file, named in replyqa.yml: a disputed pattern is not reported.
        try "reply,rule,text,verdict,reviewer\n*,spelling,tomorow,disputed,Ana\n".write(to: dir.appendingPathComponent("reviews.csv"),
                                                                                        atomically: true, encoding: .utf8)
        try "reviews: reviews.csv\n".write(to: dir.appendingPathComponent("replyqa.yml"), atomically: true, encoding: .utf8)
        let team = try runReplyQA(["lint", "--config", dir.appendingPathComponent("replyqa.yml").path, draft.path])
        XCTAssertFalse(team.stdout.contains("“tomorow”"), team.stdout)
        XCTAssertTrue(team.stdout.contains("1 disputed finding left out"), team.stdout)
        // A reviews file that is not there is a configuration mistake with its line.
        try "spelling:\n  words: [Trailflex]\nreviews: reviewz.csv\n".write(to: dir.appendingPathComponent("bad.yml"), atomically: true,
                                                                            encoding: .utf8)
        let missing = try runReplyQA(["lint", "--config", dir.appendingPathComponent("bad.yml").path, draft.path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("bad.yml:3:10: error: reviews: no file “reviewz.csv”"), missing.stderr)
    }
}
