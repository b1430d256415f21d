import XCTest
import Aggregation
import MailIngest
import ReplyPipeline
import ReplyQACore
@testable import Reports

/// The overview with 64 agents on 8 channels stays readable: no table wider than the page, the
/// category and channel tables split, problem rows naming the top agents and a count, and a chart
/// with an axis and a legend.
final class OverviewTests: XCTestCase {
    static let model: ReportModel = {
        var messages: [MailMessage] = []
        let channels = ["email", "chat", "social", "phone-notes", "whatsapp", "web-form", "app-store", "partner-desk"]
        for a in 0..<64 {
            // Long names, as shared mailboxes and teams are named.
            let agent = "Maximiliane Konstantinopoulou-\(a < 10 ? "0" : "")\(a) Support Team"
            for k in 0..<2 {
                let id = "a\(a)-\(k)"
                messages.append(MailMessage(path: "/batch/\(id)-q.eml", messageID: "q\(id)@example",
                                            from: MailAddress(name: "Kim Lee", address: "kim@home.example"),
                                            to: [MailAddress(name: "Support", address: "help@northwind.example")], subject: "help",
                                            headers: [:],
                                                body: "My order \(a)\(k) has not arrived and the tracking page says nothing. Where is it?",
                                                    bodyKind: .plain))
                messages.append(MailMessage(path: "/batch/\(id)-r.eml", messageID: "r\(id)@example", inReplyTo: "q\(id)@example",
                                            from: MailAddress(name: agent, address: "agent\(a)@northwind.example"),
                                            to: [MailAddress(name: "Kim Lee", address: "kim@home.example")], subject: "Re: help",
                                            headers: ["x-channel": channels[(a + k) % channels.count]],
                                            body: k == 0
                                                ? "Hi Kim,\n\nYour order is on its way and will recieve you tomorow.\n\nThanks,\n\(agent)"
                                                         : "your order will arrive soon.", bodyKind: .plain))
            }
        }
        var config = Configuration()
        config.supportDomains = ["northwind.example"]
        config.channels = [ChannelRule(channel: nil, header: "X-Channel")]
        let result = BatchProcessor(config: config, checkers: try! StandardCheckers.make(config: config)).run(messages: messages)
        return ReportModel(result: result, config: config)
    }()

    func testWideTablesAreSplitAndProblemRowsNameTheTopAgents() throws {
        let m = Self.model
        XCTAssertEqual(m.aggregate.agents.count, 64)
        XCTAssertEqual(m.aggregate.channels.count, 8)
        let index = HTMLPages(m: m).index()
        let tables = index.components(separatedBy: "<table").dropFirst()
        for t in tables {
            let header = t.components(separatedBy: "</thead>")[0]
            let columns = header.components(separatedBy: "<th>").count + header.components(separatedBy: "<th ").count - 2
            XCTAssertLessThanOrEqual(columns, 8, "a table of at most seven score columns beside the name")
        }
        XCTAssertTrue(index.contains("Category scores (1 of 2: "), "the categories come in two tables")
        XCTAssertTrue(index.contains("Channels 1 of 2: "), "as do the channels of the agent × channel matrix")
        // The misspellings come from every agent: the row names three and counts the rest.
        let spelling = try XCTUnwrap(m.aggregate.problems.first { $0.rule == "spelling" })
        XCTAssertEqual(spelling.agents.count, 64)
        XCTAssertTrue(index.contains("and 61 more (64 agents)"), "problem rows list the top agents and a count")
        // The chart: an axis with its ticks and title, and a legend.
        for label in [">0<", ">25<", ">50<", ">75<", ">100<", "mean overall score (0–100)", "85 or more", "below 60",
                      "too few replies to judge", "95% CI", "team "] {
            XCTAssertTrue(index.contains(label), label)
        }
    }

    /// In headless Chromium at 1280 pixels, nothing on the overview is wider than the page and no
    /// table scrolls sideways (a copy of the page, with a script that measures, is loaded).
    func testNothingOverflowsSidewaysInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(
            where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("needs headless Chromium (Debian chromium, which .ci/install installs)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-overview-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var html = HTMLPages(m: Self.model).index()
        // The report forbids scripts; the copy measured here is allowed one.
        html = html.replacingOccurrences(of: HTMLPages.csp,
                                         with: "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
        html = html.replacingOccurrences(of: "</body>", with: """
            <script>
            var d = document.documentElement, worst = 0, what = "";
            document.querySelectorAll("table, svg, .scroll, main, pre, .text").forEach(function (e) {
              var over = e.scrollWidth - e.clientWidth, right = e.getBoundingClientRect().right - d.clientWidth;
              if (Math.max(over, right) > worst) { worst = Math.max(over, right); what = e.tagName + "." + e.className; }
            });
            document.title = "overflow " + (d.scrollWidth - d.clientWidth) + " worst " + Math.round(worst) + " " + what;
            </script></body>
            """)
        let page = dir.appendingPathComponent("index.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                       "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--virtual-time-budget=5000",
                       "--dump-dom", page.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let title = try XCTUnwrap(dom.range(of: "<title>overflow ").map { String(dom[$0.upperBound...].prefix { $0 != "<" }) },
                                  "the measuring script ran")
        let parts = title.split(separator: " ")
        XCTAssertEqual(parts.first, "0", "the page is no wider than the window: \(title)")
        XCTAssertLessThanOrEqual(Int(parts[2]) ?? 99, 1, "no element sticks out or scrolls sideways: \(title)")
    }
}
