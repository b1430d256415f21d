import XCTest
import Foundation
import ReplyPipeline
import ReplyQACore

/// Replies are checked on every core; what a run writes must not depend on how many.
final class ConcurrentCheckTests: XCTestCase {
    func json(_ paths: [String], config: Configuration, threads: Int) throws -> String {
        var processor = BatchProcessor(config: config, checkers: try StandardCheckers.make(config: config))
        processor.threads = threads
        return try BatchDocument(processor.run(paths: paths), includeFindings: true).json()
    }

    func testAConcurrentRunWritesWhatASerialRunWrites() throws {
        let samples = SamplesEndToEndTests.root.appendingPathComponent("Samples").path
        let config = try Configuration.load(path: samples + "/replyqa.yml")
        let serial = try json([samples], config: config, threads: 1)
        XCTAssertTrue(serial.contains("\"findings\""))
        XCTAssertEqual(try json([samples], config: config, threads: 4), serial)
    }

    func testSuggestionsDoNotDependOnWhichThreadSawATypoFirst() throws {
        // Replies with more typos than a reply may look up, sharing many of them: which ones get a
        // suggestion depends on the cache of earlier replies, so the order must be the batch's.
        let dir = try scratchFolder(self, "concurrent")
        let typos = ["recieve", "untill", "adress", "seperate", "definately", "occured", "wierd", "tommorow", "beleive",
                     "accomodate", "enviroment", "goverment", "arguement", "calender", "collegue", "concious", "existance"]
        for n in 0..<24 {
            let words = (0..<14).map { typos[(n * 5 + $0 * 3) % typos.count] }
            let body = "Hi Linda,\n\nWe will " + words.joined(separator: " and ") + " soon.\n\nBest regards,\nMaya\n"
            let message = "From: Maya Chen <maya@northwind.example>\nTo: Linda Park <linda@example.com>\nSubject: Re: order \(n)\n"
                + "Message-ID: <c\(n)@northwind.example>\nContent-Type: text/plain; charset=utf-8\n\n" + body
            try Data(message.utf8).write(to: dir.appendingPathComponent(String(format: "%02d.eml", n)))
        }
        let serial = try json([dir.path], config: Configuration(), threads: 1)
        XCTAssertTrue(serial.contains("\"suggestion\""))
        for threads in [2, 8] { XCTAssertEqual(try json([dir.path], config: Configuration(), threads: threads), serial,
                                               "\(threads) threads") }
    }

    func testCheckTakesAThreadCountAndRefusesNone() throws {
        let samples = SamplesEndToEndTests.root.appendingPathComponent("Samples").path
        let args = ["check", samples, "--config", samples + "/replyqa.yml", "--format", "json"]
        let one = try runReplyQA(args + ["--threads", "1"]), all = try runReplyQA(args)
        XCTAssertEqual(one.status, all.status)
        XCTAssertEqual(one.stdout, all.stdout)
        let none = try runReplyQA(args + ["--threads", "0"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("--threads must be at least 1"), none.stderr)
    }
}
