import XCTest
import Foundation

/// `replyqa sample --spotlight`: a reproducible risk-weighted draw beside the stratified sample.
final class SpotlightSampleTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples").path
    let config = SpotlightSampleTests.samples + "/replyqa.yml"

    /// Manifest rows (header first), split into fields (quoted fields hold commas).
    func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").map { line in
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { fields.append(field); field = "" } else { field.append(c) }
            }
            return fields + [field]
        }
    }

    func sample(_ extra: [String]) throws -> [[String]] {
        let run = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2"] + extra)
        XCTAssertEqual(run.status, 0, run.stderr)
        return rows(run.stdout)
    }

    func testTheSpotlightIsReproducibleSaysWhyAndKeepsTheStratifiedShare() throws {
        let plain = try sample(["--seed", "7"])
        let spot = try sample(["--seed", "7", "--spotlight", "6"])
        XCTAssertEqual(spot, try sample(["--seed", "7", "--spotlight", "6"]), "same input and seed, same sample")
        let header = spot[0]
        XCTAssertEqual(Array(header.suffix(2)), ["draw", "reason"])
        let draw = header.firstIndex(of: "draw")!, reason = header.firstIndex(of: "reason")!, id = header.firstIndex(of: "message_id")!
        let stratified = spot.dropFirst().filter { $0[draw] == "stratified" }, spotlit = spot.dropFirst().filter { $0[draw] == "spotlight" }
        XCTAssertEqual(stratified.map { $0[id] }, plain.dropFirst().map { $0[id] },
                       "asking for a spotlight does not change the stratified sample")
        XCTAssertEqual(spotlit.count, 6)
        XCTAssertTrue(Set(spotlit.map { $0[id] }).isDisjoint(with: stratified.map { $0[id] }),
                      "the spotlight is drawn from what the stratified sample left")
        for row in stratified { XCTAssertTrue(row[reason].hasSuffix(", at random") && row[reason].contains(" of "), row[reason]) }
        let risks = ["auto-fail (", " error", "low relevance (", "ignores the question", "long thread (", "distressed customer"]
        for row in spotlit {
            XCTAssertTrue(risks.contains { row[reason].contains($0) }, "every spotlight reply says why it was drawn: \(row[reason])")
            XCTAssertTrue(row[reason].contains("(risk "), row[reason])
        }
        // Asked for more than there are, the spotlight takes every risky reply left, and nothing else.
        let all = try sample(["--seed", "7", "--spotlight", "500"]).dropFirst().filter { $0[draw] == "spotlight" }
        XCTAssertLessThan(all.count, 31 - 12, "replies with nothing to look at are never drawn")
        XCTAssertTrue(Set(spotlit.map { $0[id] }).isSubset(of: all.map { $0[id] }))
    }

    /// Riskier replies are drawn more often: over twelve seeds, of the runs in which it was left
    /// for the spotlight (not in the stratified share), the riskiest reply is drawn into a
    /// spotlight of two at least twice as often as the replies with one small risk (3) are.
    func testRiskierRepliesAreDrawnMoreOften() throws {
        var drawn: [String: Int] = [:], available: [String: Int] = [:], risk: [String: Int] = [:]
        let all = try sample(["--seed", "1", "--spotlight", "500"])
        let h = all[0]
        let draw = h.firstIndex(of: "draw")!, id = h.firstIndex(of: "message_id")!, reason = h.firstIndex(of: "reason")!
        for seed in 1...12 {
            let rows = try sample(["--seed", String(seed), "--spotlight", "500"]).dropFirst()
            let left = rows.filter { $0[draw] == "spotlight" }
            for row in left {
                available[row[id], default: 0] += 1
                risk[row[id]] = Int(row[reason].components(separatedBy: "(risk ").last?.dropLast() ?? "") ?? 0
            }
            for row in try sample(["--seed", String(seed), "--spotlight", "2"])
                .dropFirst() where row[draw] == "spotlight" { drawn[row[id], default: 0] += 1 }
        }
        func rate(_ ids: [String]) -> Double {
            Double(ids.map { drawn[$0] ?? 0 }.reduce(0, +)) / Double(max(1, ids.map { available[$0] ?? 0 }.reduce(0, +)))
        }
        let heavy = try XCTUnwrap(risk.max { ($0.value, $1.key) < ($1.value, $0.key) })
        XCTAssertGreaterThanOrEqual(heavy.value, 7, "\(risk)")
        let light = risk.filter { $0.value <= 3 }.map(\.key)
        XCTAssertGreaterThan(light.count, 2)
        XCTAssertGreaterThanOrEqual(rate([heavy.key]), 2 * rate(light), "risk \(heavy.value): \(rate([heavy.key])); risk 3: \(rate(light))")
    }

    /// With --out, each share is a folder `check` reads on its own.
    func testTheSharesAreFoldersOfTheirOwn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-spotlight-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("sample").path
        let run = try runReplyQA(["sample", Self.samples, "--config", config, "--per-agent", "2", "--seed", "7", "--spotlight",
                                  "4", "--out", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(
            run.stdout.contains(
                "12 replies from 6 strata (seed 7) in \(out)/stratified, and 4 drawn by risk in \(out)/spotlight"), run.stdout)
        for (share, count) in [("stratified", 12), ("spotlight", 4)] {
            let checked = try runReplyQA(["check", out + "/" + share, "--config", out + "/replyqa.yml", "--format", "json"])
            XCTAssertEqual(checked.status, 0, checked.stderr)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
            let replies = try XCTUnwrap(json["replies"] as? [[String: Any]])
            XCTAssertEqual(replies.count, count, share)
            XCTAssertTrue(replies.allSatisfy { ($0["question"] as? [String: Any])?["source"] as? String != nil },
                          "\(share): with the customer's message")
        }
        XCTAssertTrue(try String(contentsOfFile: out + "/replyqa.yml", encoding: .utf8).contains("/stratified --config"),
                      "the copy says how to check each share")
    }
}
