import XCTest
import ReplyQACore
@testable import Grammar

/// Long texts keep exact spans without walking from their start, and data pasted into a reply
/// (a hex dump, binary) draws no grammar findings.
final class GrammarLimitsTests: XCTestCase {
    static let checker = try! GrammarChecker(ruleSet: GrammarRuleTests.ruleSet)

    func testFindingsDeepInALongTextKeepTheirText() {
        // Emoji make scalar offsets differ from UTF-8 and UTF-16 ones.
        let text = String(repeating: "We could of sent it 👍 today. ", count: 8000)
        let started = Date()
        let findings = Self.checker.check(text, only: ["could-of"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "each finding's text was cut by walking from the start")
        XCTAssertEqual(findings.count, 8000)
        XCTAssertTrue(findings.allSatisfy { text.text(at: $0.span) == "could of" })
        XCTAssertEqual(findings.last.map { text.text(at: $0.span) }, "could of")
    }

    func testDataPastedIntoTheTextDrawsNoFindings() {
        let dump = (0..<12).map { row in
            String(format: "%08x  ", row * 16) + "28 29 5b 5d 7b 7d 22 27  2c 2c 2e 2e 21 21 3f 3f  |()[]{}\"',,..!!??|"
        }.joined(separator: "\n")
        let text = "Hi Linda, here is the log:\n\n\(dump)\n\nWe could of sent it sooner."
        let findings = Self.checker.check(text)
        XCTAssertEqual(findings.map(\.rule), ["could-of"], "\(findings.map { "\($0.rule): \(text.text(at: $0.span))" })")
    }
}
