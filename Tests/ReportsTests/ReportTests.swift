import XCTest
import Aggregation
import MailIngest
import Plot
import ReplyPipeline
import ReplyQACore
@testable import Reports

final class ReportTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-report-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func samplesModel() throws -> ReportModel {
        let samples = Self.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(paths: [samples])
        return ReportModel(result: result, config: config)
    }

    func text(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every agent and channel has its page; the counts of index.html, report.json and the CSVs agree.
    func testSamplesReportIsCompleteAndConsistent() throws {
        let dir = try temporaryFolder().appendingPathComponent("report")
        let model = try samplesModel()
        try ReportWriter.write(model, to: dir.path)
        let agents = ["Daniel Okafor", "Lucía Fernández", "Maya Chen", "Priya Raman", "Sam Patel", "Tom Becker"]
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("agents").path).sorted(),
                       ["daniel-okafor.html", "lucia-fernandez.html", "maya-chen.html", "priya-raman.html", "sam-patel.html",
                        "tom-becker.html"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("channels").path).sorted(),
                       ["chat.html", "email.html", "social.html"])

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("report.json"))) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "replyqa.report/1")
        XCTAssertNil(json["generated_at"], "no run time unless asked")
        let inputs = try XCTUnwrap(json["inputs"] as? [String: Any])
        XCTAssertEqual(inputs["replies"] as? Int, 31)
        XCTAssertEqual(inputs["customer_messages"] as? Int, 30)
        XCTAssertEqual((inputs["skipped"] as? [Any])?.count, 5)
        XCTAssertEqual((inputs["failed"] as? [Any])?.count, 0)
        let jsonAgents = try XCTUnwrap(json["agents"] as? [[String: Any]])
        XCTAssertEqual(jsonAgents.map { $0["agent"] as? String }, agents)
        XCTAssertEqual(jsonAgents.map { ($0["replies"] as? [Any])?.count ?? 0 }.reduce(0, +), 31)
        XCTAssertEqual((json["replies"] as? [Any])?.count, 31)

        let index = try text(dir, "index.html")
        for (label, value) in [("replies scored", 31), ("customer messages", 30), ("skipped", 5), ("failed", 0), ("files read", 50)] {
            XCTAssertTrue(index.contains("<b>\(value)</b>\(label)"), "index.html should show \(value) \(label)")
        }
        for a in agents { XCTAssertTrue(index.contains(a), a) }

        let replies = try text(dir, "replies.csv").split(separator: "\r\n")
        XCTAssertEqual(replies.count, 1 + 31)
        XCTAssertTrue(
            replies[0].hasPrefix(
                "id,file,message_id,agent,channel,date,week,words,overall,auto_failed,tone,errors,warnings,infos,spelling"))
        let agentRows = try text(dir, "agents.csv").split(separator: "\r\n").dropFirst()
        let totals = agentRows.filter { $0.split(separator: ",")[1] == "all" }
        XCTAssertEqual(totals.count, 6)
        XCTAssertEqual(totals.map { Int($0.split(separator: ",")[2])! }.reduce(0, +), 31, "agents.csv accounts for every reply")
        // Per agent: the CSV's count is the JSON's and the page's.
        for a in model.aggregate.agents {
            let page = try text(dir, "agents/\(a.slug).html")
            XCTAssertTrue(page.contains("\(a.stats.replies) replies"), a.agent)
            XCTAssertEqual(page.components(separatedBy: "class=\"reply\"").count - 1, a.stats.replies, a.agent)
        }
    }

    /// The worst replies of the sample week come first: the two auto-failed ones, then the rude and deflecting ones.
    func testWorstRepliesAreListedAsSuch() throws {
        let model = try samplesModel()
        let worst = model.aggregate.worst.map { (model.summaries[$0.index].file as NSString).lastPathComponent }
        XCTAssertEqual(Set(worst.prefix(2)), ["T08-reply.eml", "T11-reply.eml"])
        XCTAssertTrue(worst.prefix(5).contains("T04-reply.eml"), "\(worst)")
        XCTAssertTrue(worst.prefix(5).contains("T06-reply.eml"), "\(worst)")
        let html = HTMLPages(m: model).index()
        let section = try XCTUnwrap(html.range(of: "Worst replies"))
        XCTAssertTrue(html[section.upperBound...].contains("T08-reply.eml"))
        XCTAssertTrue(html[section.upperBound...].contains("failed: template-placeholder"))
    }

    /// Email text is shown as text: no markup from a reply reaches the page.
    func testEmailTextIsEscaped() throws {
        let body =
            "Hi <b>Linda</b>,\n\nTry this: <script>alert(1)</script> and <img src=x onerror=alert(1)> \"quoted\" & done.\n\nThanks,\nMaya"
        let message = MailMessage(path: "/tmp/x<script>.eml", messageID: "x@acme.example",
                                  from: MailAddress(name: "<script>alert('agent')</script>", address: "maya@acme.example"),
                                  to: [MailAddress(name: "Linda", address: "linda@home.example")], subject: "<img src=x onerror=alert(2)>",
                                  headers: ["from": "maya@acme.example"], body: body, bodyKind: .plain)
        var config = Configuration()
        config.supportDomains = ["acme.example"]
        let result = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config)).run(messages: [message])
        let model = ReportModel(result: result, config: config)
        let files = try ReportWriter.files(model)
        XCTAssertGreaterThan(files.count, 4)
        let allowed: Set<String> = ["html", "head", "meta", "title", "style", "body", "main", "nav", "footer", "h1", "h2", "h3", "p", "div",
                                    "span", "b", "strong", "code", "small", "br", "a", "ul", "li", "table", "thead", "tbody",
                                    "tr", "th", "td",
                                    "blockquote", "mark", "sup", "svg", "rect", "line", "text", "polyline", "circle",
                                    "details", "summary", "g"]
        let tagPattern = try NSRegularExpression(pattern: "<([A-Za-z][A-Za-z0-9-]*)")
        let attributePattern = try NSRegularExpression(pattern: "<[^>]*\\s(?:on[a-z]+|src|href|content)=\"([^\"]*)\"")
        let hrefPattern = try NSRegularExpression(pattern: "href=\"([^\"]*)\"")
        let safeLink = try NSRegularExpression(pattern: "^(\\.\\./)?([a-z0-9-]+/)?[a-z0-9-]+\\.html(#r-[0-9a-f]+)?$")
        for (path, data) in files where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            let range = NSRange(html.startIndex..., in: html)
            let tags = Set(tagPattern.matches(in: html, range: range).map { String(html[Range($0.range(at: 1), in: html)!]).lowercased() })
            XCTAssertEqual(tags.subtracting(allowed), [], "\(path) carries tags that ReplyQA does not write")
            for m in attributePattern.matches(in: html, range: range) {
                let value = String(html[Range(m.range(at: 1), in: html)!])
                XCTAssertFalse(value.contains("<") || value.hasPrefix("http") || value.contains("javascript:") || value.hasPrefix("data:"),
                               "\(path): attribute value \(value)")
            }
            for m in hrefPattern.matches(in: html, range: range) {
                let href = String(html[Range(m.range(at: 1), in: html)!])
                XCTAssertNotNil(safeLink.firstMatch(in: href, range: NSRange(href.startIndex..., in: href)), "\(path): link \(href)")
            }
            XCTAssertTrue(html.contains("Content-Security-Policy"), path)
            if path.hasPrefix("agents/") {
                XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the reply text is shown, escaped")
                XCTAssertTrue(html.contains("&lt;img "), "the image tag is shown as text")
            }
        }
    }

    /// The customer data a reply leaked is a finding, and the report does not leak it again.
    func testReportsMaskCustomerData() throws {
        let files = try ReportWriter.files(try samplesModel())
        for (path, data) in files {
            XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("4111 1111 1111 1111"), "\(path) shows the card number")
        }
        let sam = String(decoding: try XCTUnwrap(files.first { $0.0 == "agents/sam-patel.html" }).1, as: UTF8.self)
        XCTAssertTrue(sam.contains("•••• •••• •••• 1111"), "the masked number shows where it was")
    }

    func testSameInputGivesTheSameBytes() throws {
        let a = try ReportWriter.files(try samplesModel())
        let b = try ReportWriter.files(try samplesModel())
        XCTAssertEqual(a.map(\.0), b.map(\.0))
        for (x, y) in zip(a, b) { XCTAssertEqual(x.1, y.1, "\(x.0) differs between two runs") }
    }

    /// report.json is written a reply at a time; its bytes are those of the whole document encoded at once.
    func testReportJSONWrittenInPiecesIsTheWholeDocument() throws {
        let model = try samplesModel()
        XCTAssertGreaterThan(model.summaries.count, 10)
        let whole = try ReportDocument(model).json() + Data("\n".utf8)
        let written = try XCTUnwrap(ReportWriter.files(model).first { $0.0 == "report.json" }).1
        XCTAssertEqual(String(decoding: written, as: UTF8.self), String(decoding: whole, as: UTF8.self))
    }

    /// A page whose replies are rendered one at a time has the bytes of the page rendered whole.
    func testPageWrittenInPiecesIsThePageRenderedWhole() throws {
        let model = try samplesModel()
        let pages = HTMLPages(m: model)
        let replies = Array(model.summaries.indices)
        let body: [Node<HTML.BodyContext>] = [.h1(.text("All replies"))]
        let whole = pages.page(title: "t", body: body + [.group(replies.map(pages.replyBlock))])
        var pieces: [String] = []
        pages.page(title: "t", body: body, replies: replies) { pieces.append($0) }
        XCTAssertEqual(pieces.count, replies.count + 2, "the frame's two halves and one piece per reply")
        XCTAssertEqual(pieces.joined(), whole)
    }

    /// The manifest's hash of a file fed in pieces is the hash of the whole.
    func testHashInPiecesIsTheHashOfTheWhole() throws {
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let expected = SHA256.hex(Data(bytes))
        for piece in [1, 7, 63, 64, 65, 1_000] {
            var hasher = SHA256.Hasher()
            for start in stride(from: 0, to: bytes.count, by: piece) { hasher.update(bytes[start..<min(start + piece, bytes.count)]) }
            XCTAssertEqual(hasher.hex(), expected, "pieces of \(piece) bytes")
        }
    }

    /// Files written straight to disk carry the manifest entries of their bytes.
    func testManifestDescribesFilesWrittenInPieces() throws {
        let dir = try temporaryFolder().appendingPathComponent("report")
        let head = "{\"schema\" : \"replyqa.report/1\"}\n"
        let big = String(repeating: "line of a report\n", count: 10_000)
        let files = [OutputFile(path: "report.json") { sink in
            try sink.append(head)
            for line in big.split(separator: "\n") { try sink.append(String(line) + "\n") }
        }]
        try ReportWriter.write(files, to: dir.path, marker: ("report.json", "\"replyqa.report/"))
        let data = try Data(contentsOf: dir.appendingPathComponent("report.json"))
        XCTAssertEqual(data.count, head.utf8.count + big.utf8.count)
        let manifest = try XCTUnwrap(Manifest.read(in: dir))
        XCTAssertEqual(manifest.files, [Manifest.Entry(path: "report.json", size: data.count, sha256: SHA256.hex(data))])
    }

    func testAnInterruptedWriteLeavesThePreviousReport() throws {
        let parent = try temporaryFolder()
        let dir = parent.appendingPathComponent("report")
        let old: [(String, Data)] = [("report.json", Data("{\"schema\" : \"replyqa.report/1\", \"run\": 1}".utf8)),
                                     ("index.html", Data("old".utf8))]
        try ReportWriter.write(old, to: dir.path, marker: ("report.json", "\"replyqa.report/"))
        struct Interrupted: Error {}
        let new: [(String, Data)] = [("report.json", Data("{\"schema\" : \"replyqa.report/1\", \"run\": 2}".utf8)),
                                     ("index.html", Data("new".utf8))]
        XCTAssertThrowsError(try ReportWriter.write(new, to: dir.path, marker: ("report.json", "\"replyqa.report/"),
                                                    beforeSwap: { throw Interrupted() }))
        XCTAssertEqual(try text(dir, "index.html"), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["report"], "no temporary folder is left behind")
        try ReportWriter.write(new, to: dir.path, marker: ("report.json", "\"replyqa.report/"))
        XCTAssertEqual(try text(dir, "index.html"), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["report"])
    }

    func testAFolderReplyQADidNotWriteIsNeverReplaced() throws {
        let dir = try temporaryFolder()
        try Data("precious".utf8).write(to: dir.appendingPathComponent("thesis.tex"))
        XCTAssertThrowsError(try ReportWriter.write(try samplesModel(), to: dir.path)) {
            XCTAssertTrue("\($0)".contains("was not written by ReplyQA"), "\($0)")
        }
        XCTAssertEqual(try text(dir, "thesis.tex"), "precious")
    }

    func testCSVFieldsAreQuotedAndSpreadsheetSafe() {
        XCTAssertEqual(CSVTables.field("plain"), "plain")
        XCTAssertEqual(CSVTables.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVTables.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVTables.field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSVTables.field("-5"), "-5", "numbers stay numbers")
    }
}
