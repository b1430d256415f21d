import XCTest
@testable import Aggregation
import MailIngest
import ReplyPipeline
import ReplyQACore
@testable import Reports

/// The agent pages as a coach uses them: the customer's message, a model reply from a teammate,
/// the one-page coaching summary.
final class CoachPagesTests: XCTestCase {
    func message(_ id: String, from: (String, String), to: (String, String), inReplyTo: String? = nil, body: String) -> MailMessage {
        MailMessage(path: "/batch/\(id).eml", messageID: "\(id)@example", inReplyTo: inReplyTo.map { "\($0)@example" },
                    from: MailAddress(name: from.0, address: from.1), to: [MailAddress(name: to.0, address: to.1)],
                    date: Date(timeIntervalSince1970: 1_794_868_800), subject: "Re: help", headers: [:], body: body, bodyKind: .plain)
    }

    /// Two customers with the same broken tent pole: Ana answers without a greeting, Ben greets
    /// his customer by name; Cara greets hers well too, but about something else entirely.
    func batch() throws -> ReportModel {
        let shop = ("Northwind", "support@northwind.example")
        let messages = [
            message("q1", from: ("Linda Park", "linda@home.example"), to: shop, body:
                "My TrailMate tent pole snapped on the first night of camping <script>alert(1)</script>. Can a replacement pole reach " +
                    "me before Saturday? My card is 4111 1111 1111 1111."),
            message("r1", from: ("Ana", "ana@northwind.example"), to: ("Linda Park", "linda@home.example"), inReplyTo: "q1", body:
                "A replacement pole will ship today by express delivery and should arrive on Thursday.\n\nThanks for your patience,\nAna"),
            message("q2", from: ("Omar Haddad", "omar@home.example"), to: shop, body:
                "The pole of my TrailMate tent snapped while camping last night. Could a replacement pole reach me before Saturday?"),
            message("r2", from: ("Ben", "ben@northwind.example"), to: ("Omar Haddad", "omar@home.example"), inReplyTo: "q2", body:
                "Hi Omar,\n\nI'm so sorry the pole snapped on your trip. I've shipped a replacement pole by express delivery; it will " +
                    "arrive on Thursday, before Saturday.\n\nIs there anything else I can help with?\n\nBest,\nBen"),
            message("q3", from: ("Jo Kim", "jo@home.example"), to: shop,
                    body: "How do I change the email address on my account settings page?"),
            message("r3", from: ("Cara", "cara@northwind.example"), to: ("Jo Kim", "jo@home.example"), inReplyTo: "q3", body:
                "Hi Jo,\n\nYou can change it under Settings, then Account, then Email address. I've sent you a link to the page as " +
                    "well.\n\nIs there anything else I can help with?\n\nBest,\nCara"),
        ]
        var config = Configuration()
        config.supportDomains = ["northwind.example"]
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(messages: messages)
        XCTAssertEqual(result.replies.count, 3)
        return ReportModel(result: result, config: config)
    }

    func testTheCustomersMessageIsBesideTheReplyCollapsedEscapedAndMasked() throws {
        let model = try batch()
        let ana = try XCTUnwrap(model.aggregate.agents.first { $0.agent == "Ana" })
        let page = HTMLPages(m: model).agentPage(ana)
        XCTAssertTrue(page.contains("<details class=\"customer\"><summary>Show the customer's message from Linda Park</summary>"),
                      "collapsed: no open attribute")
        XCTAssertTrue(page.contains("tent pole snapped on the first night of camping &lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(page.contains("<script>"))
        XCTAssertTrue(page.contains("•••• •••• •••• 1111"))
        XCTAssertFalse(page.contains("4111 1111 1111 1111"), "a card number in the customer's message is masked too")
        XCTAssertEqual(HTMLPages.maskingCardNumbers("order 1234567890123 and 4242-4242-4242-4242"),
                       "order 1234567890123 and ••••-••••-••••-4242",
                       "only numbers that pass the card check are masked")
    }

    func testAReplyFlaggedForRelevanceShowsTheCustomersMessageOpen() throws {
        let shop = ("Northwind", "support@northwind.example")
        let messages = [
            message("q1", from: ("Linda Park", "linda@home.example"), to: shop, body:
                "My TrailMate tent pole snapped on the first night of camping. Can a replacement pole reach me before Saturday?"),
            message("r1", from: ("Ana", "ana@northwind.example"), to: ("Linda Park", "linda@home.example"), inReplyTo: "q1", body:
                "Hi Linda,\n\nTo change the email address on your account, open Settings, choose Profile, then Email, and confirm the " +
                    "code we send you.\n\nBest,\nAna"),
        ]
        var config = Configuration()
        config.supportDomains = ["northwind.example"]
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(messages: messages)
        let flagged = try XCTUnwrap(result.replies.first?.findings.first { $0.category == .relevance },
                                    "\(result.replies.first?.findings.map(\.rule) ?? [])")
        XCTAssertTrue(flagged.message.contains("The customer asked: “") && flagged.message.contains("pole"), flagged.message)
        let model = ReportModel(result: result, config: config)
        let ana = try XCTUnwrap(model.aggregate.agents.first { $0.agent == "Ana" })
        let page = HTMLPages(m: model).agentPage(ana)
        XCTAssertTrue(
            page.contains("<details class=\"customer\" open=\"open\"><summary>Show the customer's message from Linda Park</summary>"),
                "open beside the reply")
    }

    func testAnImprovementAreaShowsATeammatesModelReplyToTheSameSituation() throws {
        let model = try batch()
        let ana = try XCTUnwrap(model.aggregate.agents.first { $0.agent == "Ana" })
        let greeting = try XCTUnwrap(ana.improvements.first { $0.category == "greeting" }, "\(ana.improvements.map(\.category))")
        let pick = try XCTUnwrap(model.modelReply(for: greeting, of: ana))
        XCTAssertEqual(model.summaries[pick.index].agent, "Ben", "Cara greets well too, but her customer asked about something else")
        XCTAssertTrue(pick.situation.hasPrefix("a similar question (both about: "), pick.situation)
        XCTAssertTrue(pick.situation.contains("pole"), pick.situation)
        XCTAssertGreaterThanOrEqual(pick.score, ModelReplies.goodScore)
        let page = HTMLPages(m: model).agentPage(ana)
        XCTAssertTrue(page.contains("A model from the team: </strong>Ben's reply to a similar question"), "the page shows it")
        XCTAssertTrue(page.contains("Hi Omar,"))
        // Ben has nobody to learn greeting from: the page says so rather than showing a poor model.
        let json = String(decoding: try ReportDocument(model).json(), as: UTF8.self)
        XCTAssertTrue(json.contains("\"models\""))
    }

    /// The print stylesheet: A4, navigation and dispute lines hidden, replies not split across pages.
    func testPagesCarryAPrintStylesheet() throws {
        let model = try batch()
        let page = HTMLPages(m: model).agentPage(model.aggregate.agents[0])
        XCTAssertTrue(page.contains("@page{size:A4"))
        XCTAssertTrue(page.contains("@media print{"))
        XCTAssertTrue(page.contains(".reply,.area,.model,blockquote,tr,svg,.card{break-inside:avoid}"))
        XCTAssertTrue(page.contains("href=\"../summaries/"), "the agent page links its coaching summary")
    }

    // MARK: - Printing the summary

    func tool(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Runs a tool, killing it after `timeout` seconds; its exit status.
    @discardableResult
    func run(_ tool: String, _ args: [String], timeout: TimeInterval = 90) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate(); XCTFail("\(tool) took longer than \(Int(timeout)) s") }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The pages of a summary printed by headless Chromium, counted by rendering them with pdftoppm.
    func printedPages(_ html: String, in dir: URL, name: String, chromium: String, pdftoppm: String) throws -> Int {
        let page = dir.appendingPathComponent("\(name).html"), pdf = dir.appendingPathComponent("\(name).pdf")
        try html.write(to: page, atomically: true, encoding: .utf8)
        // Its own profile folder: several runs of Chromium at once must not share one.
        try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
                           "--user-data-dir=\(dir.appendingPathComponent("profile-\(name)").path)",
                           "--print-to-pdf=\(pdf.path)", page.path])
        guard FileManager.default.fileExists(atPath: pdf.path) else { XCTFail("Chromium printed no PDF for \(name)"); return 0 }
        let prefix = dir.appendingPathComponent("\(name)-page").path
        XCTAssertEqual(try run(pdftoppm, ["-png", "-r", "20", pdf.path, prefix]), 0)
        let pngs = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasPrefix("\(name)-page") && $0.hasSuffix(".png") }
        return pngs.count
    }

    /// Every agent's coaching summary of the sample week, and one crowded on purpose (three
    /// strengths and three areas with long sentences, a model each, twelve weeks of trend, ten
    /// misspellings), fits one A4 page in Chromium's print to PDF.
    func testTheCoachingSummaryPrintsOnOneA4Page() throws {
        guard let chromium = tool(["chromium", "chromium-browser", "google-chrome"]), let pdftoppm = tool(["pdftoppm"]) else {
            throw XCTSkip("needs headless Chromium and pdftoppm (Debian chromium and poppler-utils, which .ci/install installs)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-print-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let samples = ReportTests.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let model = ReportModel(result: BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config))
            .run(paths: [samples]), config: config)
        for a in model.aggregate.agents {
            XCTAssertEqual(try printedPages(HTMLPages(m: model).summaryPage(a), in: dir, name: a.slug, chromium: chromium,
                                            pdftoppm: pdftoppm), 1, a.agent)
        }
        // The crowded one: Ana of the tent-pole batch, whose three areas all have Ben's reply as a model.
        var crowdedModel = try batch()
        let k = try XCTUnwrap(crowdedModel.aggregate.agents.firstIndex { $0.agent == "Ana" })
        var agent = crowdedModel.aggregate.agents[k]
        let file = crowdedModel.summaries[agent.replies[0]].file
        let long = String(repeating: "We have looked into the order you placed and the delivery that went to the wrong address, ", count: 4)
        func area(_ c: String) -> Area {
            Area(category: c, score: 55.5, team: 81.2,
                examples: [Area.Example(sentence: long, phrase: "the wrong address",
                                        note: String(repeating: "why it matters ", count: 12), file: file)])
        }
        agent.strengths = ["empathy", "ownership", "politeness"].map(area)
        agent.improvements = ["greeting", "closing", "clarity"].map(area)
        agent.misspellings = (0..<10).map { AgentAggregate.Count(text: "mispeling\($0)", count: 10 - $0) }
        crowdedModel.aggregate.agents[k] = agent
        crowdedModel.trends[agent.agent] = AgentTrend(agent: agent.agent, weeks: (30..<42).map {
            WeekPoint(week: "2026-W\($0)", overall: MeanEstimate(n: 20, mean: 60 + Double($0 % 7) * 4, low: 55, high: 90, standardError: 3))
        })
        let crowded = HTMLPages(m: crowdedModel).summaryPage(agent)
        XCTAssertTrue(crowded.contains("Three areas to work on"))
        XCTAssertTrue(crowded.contains("<svg"), "the trend is drawn")
        XCTAssertEqual(crowded.components(separatedBy: "<strong>A model: </strong>").count - 1, 3, "every area has its model")
        XCTAssertEqual(try printedPages(crowded, in: dir, name: "crowded", chromium: chromium, pdftoppm: pdftoppm), 1)
    }
}
