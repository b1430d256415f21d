import Foundation
import ReplyQACore
import XCTest

/// What `replyqa rules` and `explain` say of auto-fail and customer-data rules comes from the
/// rules (or the scorecard that overrides them), and a broken data file stops every command.
final class RulesCommandTests: XCTestCase {
    func line(_ output: String, _ rule: String) -> String {
        output.components(separatedBy: "\n").first { $0.hasPrefix(rule + " ") } ?? ""
    }

    func testRulesMarkAutoFailAndCustomerData() throws {
        let run = try runReplyQA(["rules"], environment: ["REPLYQA_DICTIONARIES": ""])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(line(run.stdout, "card-number").hasSuffix("(auto-fail, customer data, masked)"), run.stdout)
        XCTAssertTrue(line(run.stdout, "hostility").hasSuffix("(auto-fail)"), run.stdout)
        XCTAssertFalse(line(run.stdout, "wrong-name").contains("auto-fail"), run.stdout)
        let explain = try runReplyQA(["explain", "card-number"])
        XCTAssertTrue(explain.stdout.contains("Auto-fail (by default)"), explain.stdout)
        XCTAssertTrue(explain.stdout.contains("Customer data: the text a finding points at is masked"), explain.stdout)
    }

    func testTheScorecardsListReplacesTheRulesDefaults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("replyqa.yml")
        try "scorecard:\n  auto_fail: [wrong-name]\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try runReplyQA(["rules", "--config", config.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(line(run.stdout, "wrong-name").hasSuffix("(auto-fail)"), run.stdout)
        XCTAssertTrue(line(run.stdout, "card-number").hasSuffix("(customer data, masked)"), run.stdout)
        let explain = try runReplyQA(["explain", "wrong-name", "--config", config.path])
        XCTAssertTrue(explain.stdout.contains("Auto-fail (as scorecard.auto_fail says)"), explain.stdout)
    }

    /// A dictionaries folder whose segmentation markers have a misspelt key: bad usage, named by line.
    func testABrokenMarkersFileStopsACommandWithItsLine() throws {
        let shipped = try XCTUnwrap(DictionaryLocator(config: Configuration()).root)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dicts-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("segmentation"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for entry in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where entry != "segmentation" {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(entry),
                                                       withDestinationURL: shipped.appendingPathComponent(entry))
        }
        let markers = try String(contentsOf: shipped.appendingPathComponent("segmentation/markers.yml"), encoding: .utf8)
        let broken = markers.replacingOccurrences(of: "\nwrote_end:", with: "\nwrote_ending:")
        try broken.write(to: dir.appendingPathComponent("segmentation/markers.yml"), atomically: true, encoding: .utf8)
        let line = broken.components(separatedBy: "\n").firstIndex { $0.hasPrefix("wrote_ending:") }! + 1
        let config = dir.appendingPathComponent("replyqa.yml")
        try "dictionaries: \(dir.path)\n".write(to: config, atomically: true, encoding: .utf8)
        for command in [["check", dir.path, "--config", config.path], ["extract", dir.path, "--config", config.path]] {
            let run = try runReplyQA(command)
            XCTAssertEqual(run.status, 2, "\(command): \(run.stderr)")
            let expected = "segmentation/markers.yml:\(line):1: unknown key “wrote_ending” (and the key “wrote_end” is missing)"
            XCTAssertTrue(run.stderr.contains(expected),
                          "\(command): \(run.stderr)")
        }
    }
}
