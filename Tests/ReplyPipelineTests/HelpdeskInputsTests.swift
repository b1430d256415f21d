import XCTest
import Foundation
import MailIngest
import ReplyQACore
@testable import ReplyPipeline

/// A Gmail Takeout mbox: its labels decide the channel through the configuration's label rules.
final class TakeoutLabelTests: XCTestCase {
    static let fixture = HelpdeskExportTests.fixtures.deletingLastPathComponent().appendingPathComponent("takeout/support.mbox").path

    func testLabelsChooseTheChannelEndToEnd() throws {
        let config = try Configuration.parse(yaml: """
            support_domains: [northwind.example]
            channels:
              - {channel: billing, label: billing}
              - {channel: returns, label: "Returns, EU"}
              - {channel: shipping, label: Support}
            """)
        let result = BatchProcessor(config: config).run(paths: [Self.fixture])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.customerMessages, 3)
        XCTAssertEqual(result.replies.map { [$0.reply.agent, $0.reply.channel, $0.reply.question?.text ?? "-"] }, [
            ["Maya Chen", "billing", "Hello,\n\nI was charged twice for order 4471. Can you refund the second charge?\n\nAnn"],
            ["Tom Becker", "shipping", "My parcel has not moved for a week. Where is it?"],
            ["Tom Becker", "returns", "Could you send me a return label for the boots?"],
            ["Maya Chen", "email", "-"],
        ], "a label rule matches the label, case-insensitively, a quoted label with a comma, and labels nested under it; no match is the default channel")
        XCTAssertEqual(result.replies[0].reply.authored,
                       "Hi Ann,\n\nI'm sorry about the double charge. I've refunded the second payment today; it reaches your card within five days.\n\nBest regards,")
    }

    func testALabelRuleWithoutAChannelNamesTheChannelAfterTheLabel() throws {
        let config = try Configuration.parse(yaml: "support_domains: [northwind.example]\nchannels: [{label: \"Returns, EU\"}, {label: Sent}]\n")
        let result = BatchProcessor(config: config).run(paths: [Self.fixture])
        XCTAssertEqual(result.replies.map(\.reply.channel), ["sent", "sent", "returns, eu", "sent"], "rules in order: the first match wins")
    }

    func testLabelRulesAreKnownToTheConfigurationCheck() throws {
        let file = try ConfigurationFile.parse(yaml: "channels: [{channel: billing, label: Billing}, {label: Returns}]\ntone: {channels: {billing: {formality: formal}, returns: {formality: casual}}}\n")
        XCTAssertEqual(file.warnings.map(\.message), [])
        XCTAssertEqual(file.configuration.channels.map(\.label), ["Billing", "Returns"])
    }
}
