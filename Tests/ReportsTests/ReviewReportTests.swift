import XCTest
import Aggregation
import Calibration
import ReplyPipeline
import ReplyQACore
import Scoring
@testable import Reports

/// Disputes and reviewers' scores as later runs apply them.
final class ReviewReportTests: XCTestCase {
    static let samples = ReportTests.root.appendingPathComponent("Samples").path

    func run(_ paths: [String]) throws -> (BatchResult, Configuration) {
        let config = try Configuration.load(path: Self.samples + "/replyqa.yml")
        return (BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: paths), config)
    }

    /// The sample week in two orders: folders sorted, and the same folders in reverse.
    func twoOrders() throws -> [(BatchResult, Configuration)] {
        let folders = ["chat", "email", "social"].map { Self.samples + "/" + $0 }
        return [try run([Self.samples]), try run(folders.reversed())]
    }

    /// A disputed finding stays disputed in a later run and whatever the order of the batch, keeps
    /// its place on the page, and costs its reply nothing: the reply scores as if the finding were
    /// not there (an auto-fail that is disputed no longer fails it).
    func testADisputedFindingStaysDisputedAcrossRunsAndOrdersAndIsLeftOutOfScores() throws {
        let (first, config) = try run([Self.samples])
        let firstModel = ReportModel(result: first, config: config)
        // Dispute what the first report shows: a misspelling, the leaked card number (masked), a tone finding.
        var reviews: [Review] = []
        var matching = 0
        for s in firstModel.summaries {
            for f in s.findings where ["card-number", "missing-greeting"].contains(f.rule)
                || (f.rule == "spelling" && f.text == "recieve") {
                reviews.append(Review(reply: s.id, rule: f.rule, text: f.text, verdict: .disputed, reviewer: "Ana"))
                matching += 1
            }
        }
        XCTAssertGreaterThanOrEqual(reviews.count, 4)
        XCTAssertTrue(reviews.contains { $0.rule == "card-number" && $0.text.hasPrefix("••••") },
                      "the fingerprint holds the masked text, never the card number")
        let set = ReviewSet(reviews)
        var scoresByOrder: [[String: Int]] = []
        for (result, config) in try twoOrders() {
            let model = ReportModel(result: result, config: config, reviews: set)
            var disputed = 0
            var scores: [String: Int] = [:]
            for (i, s) in model.summaries.enumerated() {
                scores[s.id] = s.overall
                let record = model.result.replies[i]
                let original = try XCTUnwrap(result.replies[i].score)
                let mine = s.findings.indices.filter { model.reviewed.isDisputed(i, $0) }
                disputed += mine.count
                XCTAssertEqual(s.findings.count, result.replies[i].findings.count, "disputed findings stay on the reply")
                guard !mine.isEmpty else {
                    XCTAssertEqual(record.score, original, "a reply without reviews keeps its score")
                    continue
                }
                // Not disputed: the same finding with another text, or the same text in another reply.
                for k in mine { XCTAssertTrue(set.isDisputed(reply: s.id, rule: s.findings[k].rule, text: s.findings[k].text)) }
                let kept = result.replies[i].findings.indices.filter { !mine.contains($0) }.map { result.replies[i].findings[$0] }
                let toneRules = Set((result.replies[i].tone?.evidence ?? []).map(\.cue))
                let scorer = Scorer(options: config.scorecard, categories: original.categories.keys, autoFailed: result.autoFailRules)
                let nonTone = mine.allSatisfy { !toneRules.contains(s.findings[$0].rule) }
                if nonTone {
                    let expected = scorer.score(kept, base: result.replies[i].tone?.dimensions ?? [:], counted: toneRules)
                    XCTAssertEqual(record.score, expected, s.file)
                } else {
                    XCTAssertGreaterThan(record.score?.categories["greeting"] ?? 0, original.categories["greeting"] ?? 0,
                                         "a disputed tone finding gives back the points it cost (\(s.file))")
                }
                XCTAssertGreaterThanOrEqual(s.overall, original.overall, s.file)
                if s.findings.contains(where: { $0.rule == "card-number" }) {
                    XCTAssertEqual(original.autoFailed, ["card-number"])
                    XCTAssertEqual(s.autoFailed, [], "a disputed auto-fail no longer fails the reply")
                    XCTAssertGreaterThan(s.overall, 0)
                }
            }
            XCTAssertEqual(disputed, matching, "every disputed finding is found again")
            // Statistics read the scores without the disputed findings.
            let problems = Dictionary(uniqueKeysWithValues: model.aggregate.problems.map { ($0.rule, $0.count) })
            let all = ReportModel(result: result, config: config).aggregate.problems
            XCTAssertNil(problems["card-number"], "\(all.map(\.rule))")
            XCTAssertEqual(model.aggregate.team.autoFail.count + 1, ReportModel(result: result, config: config)
                .aggregate.team.autoFail.count)
            scoresByOrder.append(scores)
        }
        XCTAssertEqual(scoresByOrder[0], scoresByOrder[1], "the order of the batch changes no score")
    }

    /// A pattern review (reply `*`) disputes the rule on that text in every reply; the report shows
    /// each disputed finding as such, a line under every finding on how to dispute it, and the
    /// rule's dispute rate, marked when a fifth or more of its findings are disputed.
    func testPatternDisputesAndWhatThePagesShow() throws {
        let (result, config) = try run([Self.samples])
        let plain = ReportModel(result: result, config: config)
        let spelling = plain.summaries.flatMap(\.findings).filter { $0.rule == "spelling" }
        let word = try XCTUnwrap(Dictionary(grouping: spelling, by: \.text).max { $0.value.count < $1.value.count }?.key)
        let times = spelling.filter { $0.text == word }.count
        XCTAssertGreaterThanOrEqual(times, 2, "a misspelling the batch repeats")
        let model = ReportModel(result: result, config: config,
            reviews: ReviewSet([Review(reply: "*", rule: "spelling", text: word, verdict: .disputed, reviewer: "Ben",
                                       note: "our product's name")]),
                                reviewCommand: ReviewCommand(report: "report w47", history: "qa.sqlite"))
        let rate = try XCTUnwrap(model.reviewed.disputeRates.first { $0.rule == "spelling" })
        XCTAssertEqual(rate.disputed, times)
        XCTAssertEqual(rate.findings, spelling.count)
        XCTAssertEqual(rate.oftenDisputed, Double(times) / Double(spelling.count) >= 0.2)
        let pages = HTMLPages(m: model)
        let index = pages.index()
        XCTAssertTrue(index.contains("Disputed findings by rule"))
        XCTAssertTrue(index.contains("<code>spelling</code>"))
        if rate.oftenDisputed { XCTAssertTrue(index.contains("often disputed")) }
        let agent =
            try XCTUnwrap(
                model.aggregate.agents.first { a in a.replies.contains { model.summaries[$0].findings.contains { $0.text == word } } })
        let page = pages.agentPage(agent)
        XCTAssertTrue(page.contains("Disputed by Ben (in every reply): “our product's name”; left out of the scores."),
                      "who disputed it and why")
        // One how-to line per finding, quoting the report folder as one shell word.
        let findings = agent.replies.map { model.summaries[$0].findings.count }.reduce(0, +)
        XCTAssertEqual(page.components(separatedBy: "class=\"how\"").count - 1, findings)
        XCTAssertTrue(page.contains("replyqa reviews dispute "), "how to dispute")
        XCTAssertTrue(page.contains("replyqa reviews withdraw "), "how to withdraw a dispute")
        XCTAssertTrue(page.contains("--report 'report w47' --history qa.sqlite"), "the command names this report and history")
        // The spelling category no longer pays for the disputed word.
        for i in agent.replies where model.summaries[i].findings.contains(where: { $0.text == word }) {
            XCTAssertGreaterThan(model.summaries[i].categories["spelling"] ?? 0, plain.summaries[i].categories["spelling"] ?? 0)
        }
    }

    /// A reviewer's category score replaces ReplyQA's, the overall follows, and the page says whose it is.
    func testARescoredCategoryReplacesReplyQAsScore() throws {
        let (result, config) = try run([Self.samples])
        let plain = ReportModel(result: result, config: config)
        let i = try XCTUnwrap(plain.summaries.firstIndex { ($0.categories["empathy"] ?? 0) >= 60 && $0.autoFailed.isEmpty })
        let s = plain.summaries[i]
        let model = ReportModel(result: result, config: config,
                                reviews: ReviewSet(
                                    [Review(reply: s.id, category: "empathy", verdict: .rescored, score: 10, reviewer: "Ana",
                                            note: "cold")]))
        XCTAssertEqual(model.summaries[i].categories["empathy"], 10)
        XCTAssertLessThan(model.summaries[i].overall, s.overall)
        XCTAssertEqual(model.reviewed.rescored[i]["empathy"]?.replyqa, s.categories["empathy"])
        let agent = try XCTUnwrap(model.aggregate.agents.first { $0.replies.contains(i) })
        XCTAssertTrue(HTMLPages(m: model).agentPage(agent).contains("empathy 10 (Ana; ReplyQA said \(s.categories["empathy"]!)"))
        let json = String(decoding: try ReportDocument(model).json(), as: UTF8.self)
        XCTAssertTrue(json.contains("\"rescored\""))
        XCTAssertTrue(json.contains("\"fingerprint\""))
    }

    /// Without reviews, re-scoring gives every reply its own score back.
    func testRescoringWithoutReviewsChangesNothing() throws {
        let (result, config) = try run([Self.samples])
        for (i, record) in result.replies.enumerated() {
            guard let score = record.score else { continue }
            let counted = Set((record.tone?.evidence ?? []).map(\.cue))
            let rescored = Scorer(options: config.scorecard, categories: score.categories.keys, autoFailed: result.autoFailRules)
                .rescore(record.findings, disputed: [], base: record.tone?.dimensions ?? [:], counted: counted,
                         emptyReply: record.reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            XCTAssertEqual(rescored, score, "reply \(i) \(record.location)")
        }
    }

    /// With reviewers' ratings the report gains calibration.html (escaped names, every category,
    /// the chart's legend) and the overview points to it.
    func testTheCalibrationPage() throws {
        let (result, config) = try run([Self.samples])
        let plain = ReportModel(result: result, config: config)
        var ratings: [HumanRating] = []
        for (k, s) in plain.summaries.enumerated() {
            for reviewer in ["Ana", "<b>Ben</b>"] {
                ratings.append(HumanRating(reply: s.id, reviewer: reviewer, category: "empathy",
                                           value: Double(s.categories["empathy"] ?? 0), scale: .score))
                ratings.append(HumanRating(reply: s.id, reviewer: reviewer, category: "overall", value: (s.overall >= 70) != (k % 5 == 0)
                    ? 1 : 0, scale: .passFail))
            }
        }
        let calibration = Calibrator(resamples: 200).calibrate(ratings, replyqa: Dictionary(uniqueKeysWithValues: plain.summaries.map { s in
            (s.id, s.categories.mapValues(Double.init).merging(["overall": Double(s.overall)]) { a, _ in a })
        }))
        let model = ReportModel(result: result, config: config, calibration: calibration)
        let files = Dictionary(uniqueKeysWithValues: try ReportWriter.files(model).map { ($0.0, String(decoding: $0.1, as: UTF8.self)) })
        let page = try XCTUnwrap(files["calibration.html"])
        XCTAssertTrue(page.contains("&lt;b&gt;Ben&lt;/b&gt;"), "a reviewer's name is text")
        XCTAssertFalse(page.contains("<b>Ben</b>"))
        for label in ["empathy", "overall", "all categories", "κw 1.00", "α 1.00", "reviewers among themselves (alpha)", "95% CI"] {
            XCTAssertTrue(page.contains(label), label)
        }
        XCTAssertTrue(files["index.html"]!.contains("href=\"calibration.html\""))
        XCTAssertTrue(files["report.json"]!.contains("\"between_reviewers\""))
        XCTAssertNil(try ReportWriter.files(plain).first { $0.0 == "calibration.html" }, "no ratings, no page")
    }
}
