import XCTest
import ReplyPipeline
import ReplyQACore

/// Runs the whole pipeline over Samples/ and compares every reply with the batch's manifest.
final class SamplesEndToEndTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Expected: Decodable {
        struct Question: Decodable { var source: String; var message_id: String?; var contains: String? }
        var message_id: String
        var file: String
        var agent: String
        var channel: String
        var question: Question
        var authored: String
        var signature_first_line: String?
        var attachments: [String]
    }

    func loadExpected() throws -> [Expected] {
        let url = Self.root.appendingPathComponent("Tests/ReplyPipelineTests/Fixtures/samples-expected.json")
        return try JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))
    }

    func runSamples() throws -> BatchResult {
        let samples = Self.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        return BatchProcessor(config: config).run(paths: [samples])
    }

    func testEveryReplyIsReadAttributedPairedAndSegmented() throws {
        let expected = try loadExpected()
        let result = try runSamples()
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.replies.count, expected.count)
        XCTAssertEqual(result.customerMessages, 30)
        let byID = Dictionary(uniqueKeysWithValues: result.replies.map { ($0.reply.messageID ?? "", $0) })
        for e in expected {
            guard let r = byID[e.message_id] else { XCTFail("reply \(e.message_id) (\(e.file)) missing"); continue }
            let where_ = "\(e.message_id) in \(e.file)"
            XCTAssertTrue(r.location.hasPrefix(Self.root.appendingPathComponent("Samples/" + e.file).path),
                          "\(where_): read from \(r.location)")
            XCTAssertEqual(r.reply.agent, e.agent, where_)
            XCTAssertEqual(r.reply.channel, e.channel, where_)
            XCTAssertEqual(r.reply.authored, e.authored, where_)
            XCTAssertEqual(r.reply.question?.source.rawValue, e.question.source, where_)
            if let id = e.question.message_id { XCTAssertEqual(r.reply.question?.messageID, id, where_) }
            if let text = e.question.contains { XCTAssertTrue(r.reply.question?.text.contains(text) ?? false,
                                                              "\(where_): question \(r.reply.question?.text ?? "none")") }
            if let sig = e.signature_first_line {
                XCTAssertTrue(r.reply.signature?.contains(sig) ?? false, "\(where_): signature \(r.reply.signature ?? "none")")
            }
            XCTAssertEqual(r.reply.attachments.compactMap(\.filename), e.attachments, where_)
            XCTAssertEqual(r.warnings, [], where_)
        }
    }

    func testSamplesCoverWhatTheBatchPromises() throws {
        let result = try runSamples()
        XCTAssertGreaterThanOrEqual(Set(result.replies.map(\.reply.agent)).count, 5)
        XCTAssertEqual(Set(result.replies.map(\.reply.channel)), ["email", "social", "chat"])
        XCTAssertGreaterThanOrEqual(result.replies.count + result.customerMessages, 60)
        // Non-mail files in the folder are reported as skipped, not lost.
        XCTAssertEqual(result.skipped.map { ($0.path as NSString).lastPathComponent }.sorted(),
                       ["README.md", "dm-us.txt", "password-reset.txt", "replyqa.yml", "shipping-times.txt"])
    }

    /// Every deliberate typo, grammar slip and safety problem of the sample week is found, and nothing else.
    func testChecksFindExactlyTheSampleMistakes() throws {
        let samples = Self.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: [samples])
        let expected: [String: [String]] = [
            "c01-r@northwind.example": ["spelling: definately", "spelling: recieve"],
            "c02-r@northwind.example": ["its-it-is: its", "spelling: untill", "spelling: untill"],
            "c05-r@northwind.example": ["a-before-vowel-sound: a"],
            "t04-r@northwind.example": ["missing-greeting: As I already told you, orders ship within 5 to 7 business days."],
            "t05-r@northwind.example": ["wrong-name: Karen"],
            "t08-r@northwind.example": ["template-placeholder: {{first_name}}"],
            "t11-r@northwind.example": ["card-number: 4111 1111 1111 1111", "you-are-your: you're", "their-there: Their",
                                        "a-other: a other"],
            "t12-r@northwind.example": ["its-it-is: Its", "then-than: then"],
            "t14-r@northwind.example": ["attachment-missing: Please find attached", "spelling: recieve"],
            "t16-r@northwind.example": ["spelling: definately"],
        ]
        XCTAssertEqual(result.replies.count, 31)
        for r in result.replies {
            let found = r.findings.filter { [.spelling, .grammar, .privacy, .greeting].contains($0.category) }
                .map { "\($0.rule): \(r.reply.authored.text(at: $0.span))" }
            XCTAssertEqual(found, expected[r.reply.messageID ?? ""] ?? [], "\(r.location)")
        }
    }

    /// The two macros of the sample week come out as clusters, with nothing else clustered.
    func testCannedRepliesAreClustered() throws {
        let result = try runSamples()
        let clusters = result.clusters.map { c in Set(c.members.map { result.replies[$0].reply.messageID ?? "" }) }
        XCTAssertEqual(clusters, [
            ["t07-r@northwind.example", "t08-r@northwind.example", "t09-r@northwind.example", "t10-r@northwind.example"],
            ["t12-r@northwind.example", "t13-r@northwind.example", "c04-r@northwind.example"],
        ])
        XCTAssertEqual(result.clusters[1].agents, ["Priya Raman", "Sam Patel"])
    }

    /// A canned reply about another issue is flagged with the macro's name, a generic hand-off is
    /// its own rule, and canned replies that fit are not flagged; the relevance score ranks every
    /// misfit below every fit.
    func testCannedRepliesThatIgnoreTheQuestionAreFlagged() throws {
        let samples = Self.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: [samples])
        func reply(_ id: String) throws -> ReplyRecord { try XCTUnwrap(result.replies.first { $0.reply.messageID == id }, id) }
        var ignoring: [String: String] = [:]
        for r in result.replies {
            for f in r.findings where f.rule == "ignores-question" { ignoring[r.reply.messageID ?? ""] = f.message }
        }
        XCTAssertEqual(Set(ignoring.keys), ["t13-r@northwind.example"])
        let t13 = ignoring["t13-r@northwind.example"] ?? ""
        XCTAssertTrue(t13.contains("macro “shipping-times”") && t13.contains("waterproof"), t13)
        let handoff = try XCTUnwrap(try reply("s03-r@northwind.example").findings.first { $0.rule == "generic-reply" })
        XCTAssertTrue(handoff.message.contains("macro “dm-us”") && handoff.message.contains("store open on Saturday"), handoff.message)
        let fits = ["t07-r@northwind.example", "t08-r@northwind.example", "t12-r@northwind.example", "c04-r@northwind.example",
                    "s05-r@northwind.example"]
        for id in fits { XCTAssertEqual(try reply(id).findings.filter { $0.category == .relevance }.map(\.rule), [], id) }
        let misfits = ["t09-r@northwind.example", "t10-r@northwind.example", "t13-r@northwind.example"]
        let worstFit = try fits.map { try XCTUnwrap(reply($0).relevance?.score) }.min() ?? 0
        for id in misfits { XCTAssertLessThan(try XCTUnwrap(reply(id).relevance?.score), worstFit - 0.3, id) }
        XCTAssertEqual(result.clusters.map(\.macro), ["password-reset", "shipping-times"])
    }

    /// The rude and blaming replies score lowest on tone and overall; the exemplary ones highest.
    func testToneRanksRudeRepliesLowestAndExemplaryHighest() throws {
        let samples = Self.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: [samples])
        var tone: [String: Double] = [:], overall: [String: Int] = [:], labels: [String: String] = [:]
        for r in result.replies {
            let id = String((r.reply.messageID ?? "").prefix { $0 != "@" })
            let t = try XCTUnwrap(r.tone, id)
            tone[id] = Double(t.dimensions.values.reduce(0, +)) / Double(t.dimensions.count)
            labels[id] = t.label.rawValue
            if r.score?.autoFailed.isEmpty ?? false { overall[id] = r.score?.overall }
        }
        let byTone = tone.sorted { $0.value < $1.value }.map(\.key)
        XCTAssertEqual(Array(byTone.prefix(2)), ["t04-r", "t06-r"], "lowest tone: \(byTone.prefix(4))")
        let byOverall = overall.sorted { $0.value < $1.value }.map(\.key)
        XCTAssertEqual(Set(byOverall.prefix(2)), ["t04-r", "t06-r"], "lowest overall: \(byOverall.prefix(4))")
        XCTAssertTrue(["curt", "hostile"].contains(labels["t04-r"]), labels["t04-r"] ?? "")

        let exemplary = ["t01-r", "t02-r", "t03-r", "t15-r", "t17-r", "c03-r", "c06-r", "s01-r", "s02-r"]
        let median = tone.values.sorted()[tone.count / 2]
        for id in exemplary {
            XCTAssertGreaterThan(tone[id] ?? 0, median, "\(id) is exemplary")
            XCTAssertGreaterThan(overall[id] ?? 0, max(overall["t04-r"] ?? 100, overall["t06-r"] ?? 100), id)
        }
        XCTAssertEqual(exemplary.filter { labels[$0] == "warm" }.count, exemplary.count - 1, "\(exemplary.map { labels[$0] ?? "" })")
        // The top five by tone are all exemplary replies.
        XCTAssertTrue(Set(byTone.suffix(5)).isSubset(of: Set(exemplary)), "\(byTone.suffix(5))")

        // The worst cases are findings with the exact phrase.
        let t04 = try XCTUnwrap(result.replies.first { $0.reply.messageID == "t04-r@northwind.example" })
        XCTAssertEqual(t04.findings.filter { $0.rule == "blame" }.map { t04.reply.authored.text(at: $0.span) },
                       ["As I already told you", "You should have read", "Per our policy"])
        let t06 = try XCTUnwrap(result.replies.first { $0.reply.messageID == "t06-r@northwind.example" })
        XCTAssertEqual(t06.findings.filter { $0.rule == "deflection" }.map { t06.reply.authored.text(at: $0.span) },
                       ["That’s not my department"])
    }

    func testSameInputGivesSameJSON() throws {
        let a = try BatchDocument(try runSamples(), includeFindings: true).json()
        let b = try BatchDocument(try runSamples(), includeFindings: true).json()
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.contains("\"schema\" : \"replyqa.replies/1\""))
    }
}
