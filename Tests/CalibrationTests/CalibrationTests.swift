import XCTest
import ReplyQACore
@testable import Calibration

final class AgreementStatisticsTests: XCTestCase {
    /// The worked example of Cohen's kappa: 20 both yes, 5 and 10 split, 15 both no: po 0.7, pe 0.5.
    func testCohensKappaOfTheWorkedExample() throws {
        let pairs = Array(repeating: (1.0, 1.0), count: 20) + Array(repeating: (1.0, 0.0), count: 5)
            + Array(repeating: (0.0, 1.0), count: 10) + Array(repeating: (0.0, 0.0), count: 15)
        XCTAssertEqual(try XCTUnwrap(AgreementStatistics.cohenKappa(pairs)), 0.4, accuracy: 1e-12)
        XCTAssertNil(AgreementStatistics.cohenKappa([(1, 1), (1, 1)]), "no variation: undefined, not 1 or 0")
    }

    /// Krippendorff's own example (4 coders, 12 units, missing values): nominal α = 0.743, interval α = 0.849.
    func testKrippendorffsAlphaOfHisExample() throws {
        let units: [[Double]] = [[1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                                 [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3]]
        XCTAssertEqual(try XCTUnwrap(AgreementStatistics.krippendorffAlpha(units, interval: false)), 0.743, accuracy: 0.0005)
        XCTAssertEqual(try XCTUnwrap(AgreementStatistics.krippendorffAlpha(units, interval: true)), 0.849, accuracy: 0.0005)
    }

    /// Quadratic-weighted kappa: 1 for identical scores, below 1 for a constant offset, and the
    /// formula's value on a small case worked by hand.
    func testQuadraticKappa() throws {
        XCTAssertEqual(try XCTUnwrap(AgreementStatistics.quadraticKappa([(10, 10), (50, 50), (90, 90)])), 1, accuracy: 1e-12)
        // x = 0, 100; y = 0, 50: observed Σ(x−y)² = 2500; expected = Σx² + Σy² − 2ΣxΣy/n = 10000 + 2500 − 5000 = 7500.
        XCTAssertEqual(try XCTUnwrap(AgreementStatistics.quadraticKappa([(0, 0), (100, 50)])), 1 - 2500.0 / 7500, accuracy: 1e-12)
        let offset = try XCTUnwrap(AgreementStatistics.quadraticKappa([(10, 30), (50, 70), (90, 100)]))
        XCTAssertLessThan(offset, 0.95)
    }
}

final class CalibratorTests: XCTestCase {
    /// Replies r0..r(n-1) with ReplyQA scores spread over 0-100, and a reviewer who copies
    /// ReplyQA's rating with probability `q` and otherwise rates at random: the expected kappa is q.
    func generated(n: Int, q: Double, passFail: Bool, seed: UInt64, reviewer: String = "ana") -> ([HumanRating],
                                                                                                  [String: [String: Double]]) {
        var rng = SeededRandom(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var machine: [String: [String: Double]] = [:]
        var ratings: [HumanRating] = []
        for i in 0..<n {
            let score = (uniform() * 101).rounded(.down)
            machine["r\(i)"] = ["empathy": score]
            let mine: Double
            if passFail {
                let machinePass: Double = score >= 50 ? 1 : 0
                mine = uniform() < q ? machinePass : (uniform() < 0.5 ? 1 : 0)
            } else {
                mine = uniform() < q ? score : (uniform() * 101).rounded(.down)
            }
            ratings.append(HumanRating(reply: "r\(i)", reviewer: reviewer, category: "empathy", value: mine, scale: passFail
                ? .passFail : .score))
        }
        return (ratings, machine)
    }

    func check(_ expected: Double, q: Double, passFail: Bool, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let (ratings, machine) = generated(n: 1500, q: q, passFail: passFail, seed: seed)
        let report = Calibrator(passMark: 50, resamples: 400, seed: 7).calibrate(ratings, replyqa: machine)
        let a = try XCTUnwrap(report.categories.first { $0.category == "empathy" }?.replyqa, file: file, line: line)
        let low = try XCTUnwrap(a.low, file: file, line: line), high = try XCTUnwrap(a.high, file: file, line: line)
        XCTAssertTrue(low <= expected && expected <= high, "\(a.statistic) \(a.value ?? .nan) [\(low), \(high)] should hold \(expected)",
                      file: file, line: line)
        XCTAssertLessThan(high - low, 0.15, "1500 replies give a narrow interval", file: file, line: line)
        XCTAssertEqual(a.replies, 1500, file: file, line: line)
        XCTAssertEqual(a.ratings, 1500, file: file, line: line)
    }

    func testPerfectAgreementIsOne() throws {
        try check(1, q: 1, passFail: true, seed: 1)
        try check(1, q: 1, passFail: false, seed: 2)
    }

    func testChanceAgreementIsZero() throws {
        try check(0, q: 0, passFail: true, seed: 3)
        try check(0, q: 0, passFail: false, seed: 9)
    }

    /// A 95% interval misses the truth in about one data set of twenty, so a single data set is
    /// weak evidence: over 40 generated data sets with kappa 0.6 the intervals hold it in at least 34
    /// (fewer has a probability of about 1% for honest intervals).
    func testIntervalsHoldTheTrueKappaAboutNineteenTimesInTwenty() throws {
        var covered = 0
        for k in 0..<40 {
            let (ratings, machine) = generated(n: 300, q: 0.6, passFail: k % 2 == 0, seed: 1000 + UInt64(k))
            let a = try XCTUnwrap(Calibrator(passMark: 50, resamples: 200, seed: UInt64(k)).calibrate(ratings, replyqa: machine)
                .categories.first?.replyqa)
            if let low = a.low, let high = a.high, low <= 0.6, 0.6 <= high { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(covered, 34)
    }

    func testAKnownKappaIsReproducedWithinTheInterval() throws {
        try check(0.6, q: 0.6, passFail: true, seed: 5)
        try check(0.6, q: 0.6, passFail: false, seed: 6)
        try check(0.3, q: 0.3, passFail: false, seed: 8)
    }

    /// Two reviewers who rate alike agree perfectly with each other (alpha 1) whatever ReplyQA says;
    /// the pooled row and the per-reviewer rows are there, and the same seed gives the same figures.
    func testBetweenReviewersPooledAndReproducible() throws {
        let (ana, machine) = generated(n: 300, q: 0.5, passFail: false, seed: 11)
        let ben = ana.map { r -> HumanRating in var c = r; c.reviewer = "ben"; return c }
        var all = ana + ben
        // A second category, pass/fail, rated by ana alone.
        var machine2 = machine
        for i in 0..<300 {
            machine2["r\(i)", default: [:]]["overall"] = Double(i % 100)
            all.append(HumanRating(reply: "r\(i)", reviewer: "ana", category: "overall", value: i % 100 >= 70 ? 1 : 0, scale: .passFail))
        }
        let calibrator = Calibrator(passMark: 70, resamples: 200, seed: 3)
        let report = calibrator.calibrate(all, replyqa: machine2)
        let empathy = try XCTUnwrap(report.categories.first { $0.category == "empathy" })
        XCTAssertEqual(empathy.betweenReviewers?.value, 1)
        XCTAssertEqual(empathy.betweenReviewers?.ratings, 600)
        XCTAssertEqual(empathy.reviewers, ["ana", "ben"])
        let overall = try XCTUnwrap(report.categories.first { $0.category == "overall" })
        XCTAssertEqual(overall.scale, .passFail)
        XCTAssertEqual(overall.replyqa?.value, 1, "ReplyQA passes exactly the replies ana passes")
        XCTAssertNil(overall.betweenReviewers, "one reviewer: nothing to compare")
        let pooled = try XCTUnwrap(report.categories.last)
        XCTAssertEqual(pooled.category, "all")
        XCTAssertEqual(pooled.scale, .passFail, "a pass/fail category puts the pooled figure on pass/fail")
        XCTAssertEqual(pooled.ratings, 900)
        XCTAssertEqual(report.reviewers.map(\.reviewer), ["ana", "ben"])
        XCTAssertEqual(calibrator.calibrate(all, replyqa: machine2), report, "same seed, same intervals")
    }

    /// The calibrator's reviewers-among-themselves figure is Krippendorff's example again, read as a reviewers' file.
    func testBetweenReviewersOnKrippendorffsExample() throws {
        let table: [[Double?]] = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
                                  [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil]]
        var ratings: [HumanRating] = []
        for (coder, row) in table.enumerated() {
            for (unit, v) in row.enumerated() {
                if let v { ratings.append(HumanRating(reply: "u\(unit)", reviewer: "coder\(coder)", category: "clarity", value: v,
                                                      scale: .score)) }
            }
        }
        let machine = Dictionary(uniqueKeysWithValues: (0..<12).map { ("u\($0)", ["clarity": 3.0]) })
        let c = try XCTUnwrap(Calibrator(resamples: 100).calibrate(ratings, replyqa: machine).categories.first)
        XCTAssertEqual(try XCTUnwrap(c.betweenReviewers?.value), 0.849, accuracy: 0.0005)
        XCTAssertEqual(c.betweenReviewers?.ratings, 40, "unit 12 has one rating: not pairable")
        XCTAssertEqual(c.betweenReviewers?.replies, 11)
    }

    func testRatingsOfUnknownRepliesAreListedNotUsed() {
        let ratings = [HumanRating(reply: "r1", reviewer: "ana", category: "empathy", value: 80, scale: .score),
                       HumanRating(reply: "missing.eml", reviewer: "ana", category: "empathy", value: 80, scale: .score)]
        let report = Calibrator().calibrate(ratings, replyqa: ["r1": ["empathy": 80]])
        XCTAssertEqual(report.unmatched, ["missing.eml"])
        XCTAssertEqual(report.replies, 1)
    }
}

final class HumanReviewsTests: XCTestCase {
    func testReadsScoresAndPassFail() throws {
        let csv = "reply,reviewer,category,score\r\nr1,Ana,empathy,80\r\n\"T03-reply.eml\",Ben,Overall,pass\r\nr2,Ana,tone fit,fail\r\n"
        let ratings = try HumanReviews.parse(csv: csv, name: "human.csv", categories: ["empathy", "tone-fit"])
        XCTAssertEqual(ratings.map(\.category), ["empathy", "overall", "tone-fit"])
        XCTAssertEqual(ratings.map(\.value), [80, 1, 0])
        XCTAssertEqual(ratings.map(\.scale), [.score, .passFail, .passFail])
        XCTAssertEqual(ratings.map(\.line), [2, 3, 4])
    }

    func testEveryBadRowIsNamedByLine() {
        let csv =
            "reply,reviewer,category,score\nr1,Ana,empathy,180\nr2,,empathy,50\nr3,Ana,empaty,50\nr1,Ana,empathy,70\nr1,Ana,empathy,60\n"
        XCTAssertThrowsError(try HumanReviews.parse(csv: csv, name: "human.csv", categories: ["empathy"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("human.csv:2: error: score"), text)
            XCTAssertTrue(text.contains("human.csv:3: error: reviewer"), text)
            XCTAssertTrue(text.contains("human.csv:4: error: category"), text)
            XCTAssertTrue(text.contains("human.csv:6: error: Ana rated empathy of r1 already on line 5"), text)
        }
        XCTAssertThrowsError(try HumanReviews.parse(csv: "reply,reviewer,category,score\nC01:2,S,Ana,empathy,50\n", name: "h.csv",
                                                    categories: ["empathy"])) {
            XCTAssertTrue("\($0)".contains("h.csv:2: error: 5 fields, but the header names 4"), "\($0)")
        }
        XCTAssertThrowsError(try HumanReviews.parse(csv: "reply,who,category,score\n", name: "h.csv", categories: [])) {
            XCTAssertTrue("\($0)".contains("h.csv:1: error: the header needs the columns reviewer"), "\($0)")
        }
    }

    func testCSVRecordsKeepQuotedLineBreaksAndLines() throws {
        let t = try CSVRecords.parse("\u{FEFF}a,b\r\n\"x, \"\"y\"\"\nz\",2\r\n\r\nlast,3")
        XCTAssertEqual(t.header, ["a", "b"])
        XCTAssertEqual(t.records.map(\.fields), [["x, \"y\"\nz", "2"], ["last", "3"]])
        XCTAssertEqual(t.records.map(\.line), [2, 5])
        XCTAssertThrowsError(try CSVRecords.parse("a\n\"open")) { XCTAssertEqual(($0 as? CSVRecords.Failure)?.line, 2) }
        for s in ["=SUM(A1)", "'quoted", "-5", "plain", "@x"] {
            let parsed = try CSVRecords.parse("v\n" + CSVRecords.row([s]))
            XCTAssertEqual(CSVRecords.unguarded(parsed.records[0].fields[0]), s)
        }
    }
}
