import XCTest
import Foundation

/// `check`'s text output masks customer data as the JSON, SARIF and HTML outputs do.
final class CheckTextOutputTests: XCTestCase {
    func testACardNumberIsMaskedInTheTextOutput() throws {
        let dir = try scratchFolder(self, "text-output")
        let message = "From: Maya Chen <maya@northwind.example>\nTo: Linda Park <linda@example.com>\nSubject: Re: card\n"
            + "Message-ID: <card@northwind.example>\nContent-Type: text/plain; charset=utf-8\n\n"
            + "Hi Linda,\n\nThe card 4111 1111 1111 1111 was declined.\n\nBest regards,\nMaya\n"
        let file = dir.appendingPathComponent("card.eml")
        try Data(message.utf8).write(to: file)
        let run = try runReplyQA(["check", file.path])
        XCTAssertTrue(run.stdout.contains("card-number"), run.stdout)
        XCTAssertFalse(run.stdout.contains("4111 1111 1111 1111"), run.stdout)
        XCTAssertTrue(run.stdout.contains("1111"), "the last four digits stay: \(run.stdout)")
    }
}
