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
        ], "a label rule matches the label, case-insensitively, a quoted label with a comma, and labels nested under it; no match is " +
            "the default channel")
        XCTAssertEqual(result.replies[0].reply.authored,
                       "Hi Ann,\n\nI'm sorry about the double charge. I've refunded the second payment today; it reaches your card " +
                           "within five days.\n\nBest regards,")
    }

    func testALabelRuleWithoutAChannelNamesTheChannelAfterTheLabel() throws {
        let config =
            try Configuration.parse(yaml: "support_domains: [northwind.example]\nchannels: [{label: \"Returns, EU\"}, {label: Sent}]\n")
        let result = BatchProcessor(config: config).run(paths: [Self.fixture])
        XCTAssertEqual(result.replies.map(\.reply.channel), ["sent", "sent", "returns, eu", "sent"], "rules in order: the first match wins")
    }

    func testLabelRulesAreKnownToTheConfigurationCheck() throws {
        let file =
            try ConfigurationFile.parse(
                yaml: "channels: [{channel: billing, label: Billing}, {label: Returns}]\ntone: {channels: {billing: {formality: " +
                    "formal}, returns: {formality: casual}}}\n")
        XCTAssertEqual(file.warnings.map(\.message), [])
        XCTAssertEqual(file.configuration.channels.map(\.label), ["Billing", "Returns"])
    }
}

/// Outlook `.msg` files read through msgconvert (installed by .ci/install), with real files from the
/// converter's own test suite; without msgconvert they are skipped or refused with the advice.
final class OutlookMessageTests: XCTestCase {
    static let folder = HelpdeskExportTests.fixtures.deletingLastPathComponent().appendingPathComponent("outlook")
    func fixture(_ name: String) -> String { Self.folder.appendingPathComponent(name).path }

    override func setUpWithError() throws {
        _ = try XCTUnwrap(OutlookMessage.converter(), "msgconvert is installed by .ci/install (libemail-outlook-message-perl)")
    }

    func testOutlookFilesAreReadAsTheMessagesTheyHold() throws {
        let result = BatchProcessor(config: Configuration()).run(paths: [Self.folder.path])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.skipped.map { ($0.path as NSString).lastPathComponent }, ["README.md"])
        let replies = result.replies.map(\.reply)
        XCTAssertEqual(replies.map { ($0.file as NSString).lastPathComponent }, ["charset.msg", "plain_jpeg_attached.msg"])
        XCTAssertEqual(replies.map(\.agent), ["Joseph Q Bloggs", "Matijs van Zuijlen"])
        XCTAssertEqual(replies.map(\.subject), ["PST Export - Embedded Email Test", "test"])
        XCTAssertEqual(replies.map(\.authored), ["This email contains an email… Email-ception!!!", "test"],
                       "Windows-1252 HTML and plain text")
        XCTAssertEqual(replies.map(\.messageID), ["ME2PR01MB44198426BA1B46A2296E6727E5950@ME2PR01MB4419.ausprd01.prod.outlook.com",
                                                 "20070924132803.GB10141@matijs.net"])
        XCTAssertEqual(replies[1].date, ISO8601DateFormatter().date(from: "2007-09-24T13:28:03Z"))
        XCTAssertTrue(replies[1].attachments.contains(Attachment(filename: "test.jpg", contentType: "image/jpeg", size: 7681)),
                      "\(replies[1].attachments)")
    }

    func testDamagedOutlookFilesFailWithTheConvertersReason() throws {
        let dir = try scratchFolder(self, "outlook-damaged")
        try Data(outlookBytes).write(to: dir.appendingPathComponent("header-only.msg"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture("plain_jpeg_attached.msg")))
        try whole.prefix(4000).write(to: dir.appendingPathComponent("truncated.msg"))
        try whole.write(to: dir.appendingPathComponent("whole.msg"))
        let result = BatchProcessor(config: Configuration()).run(paths: [dir.path])
        XCTAssertEqual(result.failures.map { "\(($0.path as NSString).lastPathComponent): \($0.reason)" }, [
            "header-only.msg: msgconvert could not convert it: Negative length",
            "truncated.msg: msgconvert found no message in it (a damaged or truncated file)",
        ])
        XCTAssertEqual(result.replies.map(\.reply.authored), ["test"], "the rest of the folder is read")
    }

    func testAConverterThatHangsOrFailsIsStopped() throws {
        let dir = try scratchFolder(self, "outlook-converter")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: fixture("plain_jpeg_attached.msg"))))
        func converter(_ script: String) throws -> String {
            let path = dir.appendingPathComponent("msgconvert-\(UUID())").path
            try Data("#!/bin/sh\n\(script)\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o755)
            return path
        }
        XCTAssertThrowsError(try OutlookMessage.mime(bytes, name: "a.msg", limits: Limits(),
                                                     converter: try converter("echo 'cannot parse' >&2; exit 3"))) {
            XCTAssertEqual(($0 as? IngestError)?.reason, "msgconvert could not convert it: cannot parse")
        }
        var small = Limits()
        small.maxMessageBytes = 1000
        XCTAssertThrowsError(try OutlookMessage.mime(bytes, name: "a.msg", limits: small, converter: try converter("yes 'Subject: x'"))) {
            XCTAssertEqual(($0 as? IngestError)?.reason, "the converted message is over 0 MB (twice limits.max_message_bytes)")
        }
        let started = Date()
        XCTAssertThrowsError(try OutlookMessage.mime(bytes, name: "a.msg", limits: Limits(), converter: try converter("exec sleep 30"),
                                                     timeoutSeconds: 1)) {
            XCTAssertEqual(($0 as? IngestError)?.reason, "msgconvert did not finish within 1 seconds")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertThrowsError(try OutlookMessage.mime(bytes, name: "a.msg", limits: Limits(), converter: nil)) {
            XCTAssertEqual(($0 as? IngestError)?.reason, OutlookMessage.notInstalled)
        }
        XCTAssertNil(OutlookMessage.converter(searchPath: dir.path), "only a file named msgconvert is the converter")
        XCTAssertNil(OutlookMessage.converter(searchPath: ""))
    }

    func testLintAndSampleReadAnOutlookFile() throws {
        let lint = try runReplyQA(["lint", "--color", "never", "--format", "json", fixture("plain_jpeg_attached.msg")])
        XCTAssertNotEqual(lint.status, 2, lint.stderr)
        let record = try XCTUnwrap((try JSONSerialization.jsonObject(
            with: Data(lint.stdout.utf8)) as? [String: Any])?["replies"] as? [[String: Any]]).first
        XCTAssertEqual(record?["authored"] as? String, "test")
        XCTAssertEqual(record?["agent"] as? String, "Matijs van Zuijlen")

        let out = try scratchFolder(self, "outlook-sample").appendingPathComponent("sample")
        let sample = try runReplyQA(["sample", Self.folder.path, "--per-agent", "1", "--out", out.path])
        XCTAssertEqual(sample.status, 0, sample.stderr)
        let copy = try String(contentsOf: out.appendingPathComponent("replies/matijs-van-zuijlen/plain_jpeg_attached.msg.eml"),
                              encoding: .utf8)
        XCTAssertTrue(copy.contains("Message-Id: <20070924132803.GB10141@matijs.net>"),
                      "the copy is the MIME message, not the Outlook file")
        let again = BatchProcessor(config: Configuration()).run(paths: [out.path])
        XCTAssertEqual(Set(again.replies.map(\.reply.authored)), ["test", "This email contains an email… Email-ception!!!"])
    }

    func testWithoutMsgconvertOutlookFilesAreSkippedWithTheAdvice() throws {
        let folder = try runReplyQA(["check", Self.folder.path], environment: withoutMsgconvert)
        XCTAssertEqual(folder.status, 0, folder.stderr)
        XCTAssertTrue(folder.stdout.contains("charset.msg: skipped: \(OutlookMessage.notInstalled)"), folder.stdout)
        let lint = try runReplyQA(["lint", fixture("charset.msg")], environment: withoutMsgconvert)
        XCTAssertEqual(lint.status, 2)
        XCTAssertTrue(lint.stderr.contains("charset.msg: \(OutlookMessage.notInstalled)"), lint.stderr)
    }
}

/// Zendesk side conversations: an agent's threads with a third party, left out by default, or
/// scored on their own channel.
final class ZendeskSideConversationTests: XCTestCase {
    func fixture(_ name: String) -> String { HelpdeskExportTests.fixtures.appendingPathComponent(name).path }

    func testSideConversationsAreLeftOutAndCountedByDefault() {
        let result = BatchProcessor(config: Configuration())
            .run(paths: ["zendesk-incremental.json", "zendesk-side-conversations.json"].map(fixture))
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.replies.map(\.reply.channel), ["web", "chat", "chat"], "only the replies to customers")
        XCTAssertEqual(result.customerMessages, 3)
        XCTAssertEqual(result.skipped.map { "\(($0.path as NSString).lastPathComponent): \($0.reason)" }, [
            "zendesk-incremental.json: 1 internal note and 1 bot message left out (never scored)",
            "zendesk-side-conversations.json: 3 side-conversation messages left out (never scored)",
        ])
    }

    func testScoredSideConversationsHaveTheirOwnChannelAndThreads() throws {
        let config = try Configuration.parse(yaml: "helpdesk: {side_conversations: score}\n")
        let result = BatchProcessor(config: config).run(paths: ["zendesk-side-conversations.json", "zendesk-incremental.json"].map(fixture))
        XCTAssertEqual(result.failures, [])
        let side = result.replies.filter { $0.reply.channel == "side_conversation" }.map(\.reply)
        XCTAssertEqual(side.map { [$0.agent, $0.question?.text ?? "-", $0.authored] }, [
            ["Maya Chen", "-", "Hello,\n\nCould you send a replacement rain fly for batch 12 to our customer today?\n\nThanks,"],
            ["Maya Chen", "Yes, it leaves this afternoon. Do you need the tracking number?",
             "Yes please, send it to me and I will pass it on.\n\nThanks,"],
        ])
        XCTAssertEqual(side.map(\.recipients), [["TrailMate Warehouse <warehouse@trailmate.example>"],
                                                ["TrailMate Warehouse <warehouse@trailmate.example>"]])
        XCTAssertEqual(side[1].question?.customerName, "TrailMate Warehouse")
        XCTAssertEqual(side.map(\.subject), ["Replacement rain fly for order 4471", "Replacement rain fly for order 4471"])
        XCTAssertEqual(side[0].attachments.map(\.filename), ["torn-fly.jpg"])
        XCTAssertEqual(result.replies.count, 5, "the ticket's own replies are read as before")
        XCTAssertEqual(result.customerMessages, 4, "the third party's message is context")

        var mapped = config
        mapped.helpdesk.channels = ["side_conversation": "internal"]
        XCTAssertEqual(BatchProcessor(config: mapped).run(paths: [fixture("zendesk-side-conversations.json")])
            .replies.map(\.reply.channel), ["internal", "internal"])
        let file =
            try ConfigurationFile.parse(
                yaml: "helpdesk: {side_conversations: score}\ntone: {channels: {side_conversation: {greeting: optional}}}\n")
        XCTAssertEqual(file.warnings.map(\.message), [], "the channel is known to the configuration check when scored")
        XCTAssertThrowsError(try Configuration.parse(yaml: "helpdesk: {side_conversations: maybe}"))
    }

    func testEventsAloneInTimeOrderAndBadEventsByRecord() throws {
        // The events endpoint of one side conversation, as JSON lines, newest first, with bad records.
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: fixture("zendesk-side-conversations.json")))) as? [String: Any])
        let events = try XCTUnwrap(document["events"] as? [[String: Any]])
        var lines = try events.reversed().map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]),
                                                       as: UTF8.self) }
        lines.insert(#"{"id": "x1", "side_conversation_id": "8566255a-ece5-11e8-857d-493066fa7b17", "message": "hello"}"#, at: 1)
        // Without its side conversation's id, a record is not known as an event.
        lines.append(#"{"id": "x2", "type": "reply", "message": {"body": "who am I?"}}"#)
        let file = try scratchFolder(self, "side-events").appendingPathComponent("events.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        var config = Configuration()
        config.helpdesk.sideConversations = .score
        let result = BatchProcessor(config: config).reading(.zendesk).run(paths: [file.path])
        XCTAssertEqual(result.failures.map(\.reason), [
            "record 2: side conversation event x1: message: expected an object, found text",
            "record 6: ticket x2 has no comments",
        ])
        XCTAssertEqual(result.replies.map(\.reply.authored),
                       ["Hello,\n\nCould you send a replacement rain fly for batch 12 to our customer today?\n\nThanks,",
                                                              "Yes please, send it to me and I will pass it on.\n\nThanks,"],
                                                              "put in time order")
        XCTAssertEqual(result.replies.map(\.reply.subject), ["Replacement rain fly for order 4471", "Replacement rain fly for order 4471"],
                       "from the first message, without Re:")
    }
}

/// Malformed exports: each problem is one failed record with its number and reason, and the records
/// after it are read, also when the broken record is in the middle of a JSON document.
final class MalformedExportTests: XCTestCase {
    static func ticket(_ id: Int, _ question: String, _ answer: String) -> String {
        #"{"id": \#(id), "subject": "Order \#(id)", "requester_id": 5, "via": {"channel": "email"}, "comments": ["#
            + #"{"id": \#(id)1, "author_id": 5, "public": true, "plain_body": "\#(question)"}, "#
            + #"{"id": \#(id)2, "author_id": 7, "public": true, "plain_body": "\#(answer)"}]}"#
    }
    static let good = [ticket(1, "Where is order 1?", "Order 1 ships today."), ticket(2, "Where is order 2?", "Order 2 ships today."),
                       ticket(3, "Where is order 3?", "Order 3 ships today."), ticket(4, "Where is order 4?", "Order 4 ships today.")]

    func run(_ text: String, name: String = "export.json") throws -> BatchResult {
        let file = try scratchFolder(self, "malformed").appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return BatchProcessor(config: Configuration()).reading(.zendesk).run(paths: [file.path])
    }

    func answers(_ result: BatchResult) -> [String] { result.replies.map(\.reply.authored) }

    func document(_ tickets: [String], pretty: Bool) -> String {
        pretty ? "{\n  \"tickets\": [\n    " + tickets.joined(separator: ",\n    ") + "\n  ],\n  \"next_page\": null\n}\n"
            : #"{"tickets":["# + tickets.joined(separator: ",") + #"],"count":4}"#
    }

    func testAnUnclosedQuoteInTheMiddleCostsOnlyItsRecord() throws {
        for pretty in [true, false] {
            var tickets = Self.good
            tickets[1] = tickets[1].replacingOccurrences(of: #""Where is order 2?""#, with: #""Where is order 2?"#)
            let result = try run(document(tickets, pretty: pretty))
            XCTAssertEqual(result.failures.map(\.reason),
                ["record 2: invalid JSON: the record is broken (an unclosed quote or bracket?); reading resumes at the next record"],
                "pretty: \(pretty)")
            XCTAssertEqual(answers(result), ["Order 1 ships today.", "Order 3 ships today.", "Order 4 ships today."], "pretty: \(pretty)")
        }
    }

    func testAnUnclosedBracketOrAMissingCommaCostsOnlyItsRecord() throws {
        var unclosed = Self.good
        unclosed[1].removeLast()  // the ticket's closing brace
        let a = try run(document(unclosed, pretty: true))
        XCTAssertEqual(a.failures.map(\.reason),
                       ["record 2: invalid JSON: the record is broken (an unclosed quote or bracket?); reading resumes at the next record"])
        XCTAssertEqual(answers(a), ["Order 1 ships today.", "Order 3 ships today.", "Order 4 ships today."])

        let missingComma = "{\"tickets\": [" + Self.good[0] + ", " + Self.good[1] + " " + Self.good[2] + ", " + Self.good[3] + "]}"
        let b = try run(missingComma)
        XCTAssertEqual(b.failures.map(\.reason),
                       ["record 3: invalid JSON: expected , or ] after a record; reading resumes at the next record"])
        XCTAssertEqual(answers(b), ["Order 1 ships today.", "Order 2 ships today.", "Order 3 ships today.", "Order 4 ships today."])
    }

    func testAnObjectNestedInTheBrokenRecordIsNotTakenForARecord() throws {
        // The broken ticket's second comment is a whole object after a comma: it is not a ticket.
        var tickets = Self.good
        tickets[1] = tickets[1].replacingOccurrences(of: #""Where is order 2?""#, with: #""Where is order 2?"#)
        let result = try run(document(tickets, pretty: false))
        XCTAssertEqual(result.failures.count, 1, "\(result.failures)")
        XCTAssertFalse(answers(result).contains("Order 2 ships today."))
    }

    func testWrongTypesUnknownFieldsAndTruncationInOneDocument() throws {
        var tickets = Self.good
        tickets[0] = tickets[0].replacingOccurrences(of: #""subject": "Order 1""#,
            with: #""subject": "Order 1", "custom_fields": [{"id": 360, "value": null}], "x_unknown": {"deep": [1, 2, {"a": true}]}"#)
        tickets[1] = tickets[1].replacingOccurrences(of: #""public": true, "plain_body": "Where is order 2?""#,
                                                     with: #""public": "yes", "plain_body": "Where is order 2?""#)
        tickets[2] = tickets[2].replacingOccurrences(of: #""comments": ["#, with: #""comments": 42, "was": ["#)
        let text = document(tickets, pretty: true)
        let cut = text.range(of: "Where is order 4?")!.lowerBound
        let result = try run(String(text[..<cut]))
        XCTAssertEqual(result.failures.map(\.reason), [
            "record 2: ticket 2, comment 1: public: expected true or false, found text",
            "record 3: ticket 3: comments: expected a list, found a number",
            "record 4: truncated JSON: the file ends inside this record",
        ])
        XCTAssertEqual(answers(result), ["Order 1 ships today."], "unknown fields are ignored")
    }

    func testAFiftyMegabyteCommentIsOneBadRecord() throws {
        let huge = String(repeating: "The replacement part ships from our warehouse today. ", count: 1_000_000)
        XCTAssertGreaterThan(huge.utf8.count, 50_000_000)
        let big = Self.ticket(9, "Is the part in stock?", huge)
        for (name, text) in [("big.json", document([Self.good[0], big, Self.good[2]], pretty: true)),
                             ("big.jsonl", [Self.good[0], big, Self.good[2]].joined(separator: "\n") + "\n")] {
            let result = try run(text, name: name)
            XCTAssertEqual(result.failures.count, 1, name)
            XCTAssertTrue(result.failures.first?.reason.hasPrefix("record 2: a record of 53") == true, "\(name): \(result.failures)")
            XCTAssertTrue(result.failures.first?.reason.hasSuffix("bytes is larger than limits.max_message_bytes") == true,
                          "\(name): \(result.failures)")
            XCTAssertEqual(answers(result), ["Order 1 ships today.", "Order 3 ships today."], name)
        }
    }
}
