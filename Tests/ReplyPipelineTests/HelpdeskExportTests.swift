import XCTest
import Foundation
import MailIngest
import ReplyQACore
@testable import ReplyPipeline

/// Helpdesk exports read end to end: who wrote each reply, its channel, the question it answers and its text.
final class HelpdeskExportTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/helpdesk")

    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    func run(_ names: [String], config: Configuration = Configuration(), format: InputFormat = .auto) -> BatchResult {
        BatchProcessor(config: config).reading(format).run(paths: names.map(fixture))
    }

    /// (agent, channel, question, authored) of each reply, in order.
    func summary(_ result: BatchResult) -> [[String]] {
        result.replies.map { [$0.reply.agent, $0.reply.channel, $0.reply.question?.text ?? "-", $0.reply.authored] }
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-helpdesk-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testZendeskIncrementalExportWithSideLoadedUsers() {
        let result = run(["zendesk-incremental.json"])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Maya Chen", "web", "My TrailMate tent arrived with a torn rain fly. Can I get a replacement?",
             "Hi Ann,\n\nI'm sorry the tent arrived damaged. A replacement ships today.\n\nBest regards,"],
            ["Tom Becker", "chat", "I returned the boots two weeks ago. When will the refund arrive?",
             "Hi Ben,\n\nThanks for waiting. Your refund was issued yesterday and reaches your card within five days.\n\nKind regards,"],
            ["Tom Becker", "chat", "Great, and can I also exchange the socks?",
             "Hi Ben,\n\nYes, the socks can be exchanged within 30 days.\n\nThanks,"],
        ])
        XCTAssertEqual(result.customerMessages, 3, "end-user comments are context; the note and the bot are neither")
        XCTAssertEqual(result.replies[0].reply.question?.customerName, "Ann Lee")
        XCTAssertEqual(result.replies[0].reply.recipients, ["Ann Lee <ann.lee@home.example>"])
        XCTAssertEqual(result.replies[0].reply.subject, "Order 4471 arrived damaged")
        XCTAssertEqual(result.replies[0].reply.date, ISO8601DateFormatter().date(from: "2026-11-16T09:30:00Z"))
        XCTAssertEqual(result.skipped.map(\.reason), ["1 internal note and 1 bot message left out (never scored)"])
        XCTAssertFalse(result.replies.contains { $0.reply.authored.contains("warehouse") }, "a private note is never scored")
    }

    func testChannelMappingAndScoredBots() {
        var config = Configuration()
        config.helpdesk.channels = ["web": "email"]
        config.helpdesk.bots = .score
        let result = run(["zendesk-incremental.json"], config: config)
        XCTAssertEqual(result.replies.map(\.reply.channel), ["email", "answer_bot_for_web_widget", "chat", "chat"])
        XCTAssertEqual(result.replies[1].reply.authored, "Here are some articles that might help: Refund timelines.")
    }

    func testZendeskJSONLinesWithUsersFileAndBadRecords() {
        let result = run(["zendesk-tickets.jsonl", "zendesk-users.jsonl"])
        XCTAssertEqual(summary(result), [
            ["Lena Park", "web", "I cannot log in since the update.",
             "Hi Cara,\n\nPlease reset your password from the sign-in page; the update logged everyone out.\n\nBest,"],
        ])
        XCTAssertEqual(result.replies[0].reply.attachments,
                       [Attachment(filename: "reset-steps.pdf", contentType: "application/pdf", size: 1200)])
        XCTAssertEqual(result.failures.map(\.reason), [
            "record 2: ticket 2002: comments: expected a list, found text",
            "record 3: ticket 2003 has no comments",
            "record 4: truncated JSON: the line ends inside the record",
        ])
        XCTAssertEqual(Set(result.failures.map { ($0.path as NSString).lastPathComponent }), ["zendesk-tickets.jsonl"])
    }

    func testFolderReadsRecognisedExportsOnly() throws {
        let dir = try tempDir()
        for name in ["zendesk-tickets.jsonl", "zendesk-users.jsonl"] {
            try FileManager.default.copyItem(atPath: fixture(name), toPath: dir.appendingPathComponent(name).path)
        }
        try Data(#"{"name": "settings", "values": [1, 2]}"#.utf8).write(to: dir.appendingPathComponent("settings.json"))
        let result = BatchProcessor(config: Configuration()).run(paths: [dir.path])
        XCTAssertEqual(result.replies.map(\.reply.agent), ["Lena Park"])
        XCTAssertTrue(result.skipped.contains { $0.path.hasSuffix("settings.json") && $0.reason == "not a mail file (.json)" },
                      "\(result.skipped)")
        // Forced to mail, the exports are documents again.
        let asMail = BatchProcessor(config: Configuration()).reading(.mail).run(paths: [dir.path])
        XCTAssertEqual(asMail.replies.count, 0)
    }

    func testTruncatedDocumentKeepsTheRecordsBeforeTheCut() throws {
        let text = try String(contentsOfFile: fixture("zendesk-incremental.json"), encoding: .utf8)
        let cut = text.range(of: "\"id\": 1002")!.lowerBound
        let file = try tempDir().appendingPathComponent("cut.json")
        try Data(text[..<cut].utf8).write(to: file)
        let result = BatchProcessor(config: Configuration()).run(paths: [file.path])
        XCTAssertEqual(result.replies.count, 1, "the first ticket is whole")
        XCTAssertEqual(result.failures.map(\.reason), ["record 2: truncated JSON: the file ends inside this record"])
    }

    func testPagesSavedOneAfterAnotherAreAllRead() throws {
        let page = try String(contentsOfFile: fixture("zendesk-incremental.json"), encoding: .utf8)
        let second = page.replacingOccurrences(of: "\"id\": 1001", with: "\"id\": 3001")
            .replacingOccurrences(of: "\"id\": 1002", with: "\"id\": 3002")
        let file = try tempDir().appendingPathComponent("pages.json")
        try Data((page + second).utf8).write(to: file)
        let result = BatchProcessor(config: Configuration()).run(paths: [file.path])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.replies.count, 6)
        XCTAssertEqual(Set(result.replies.compactMap { $0.reply.messageID?.split(separator: ":")[1] }), ["1001", "1002", "3001", "3002"])
    }

    func testMappedChannelsAreKnownToTheConfigurationCheck() throws {
        let file =
            try ConfigurationFile.parse(yaml: "helpdesk: {channels: {web: portal}}\ntone: {channels: {portal: {formality: casual}}}\n")
        XCTAssertEqual(file.warnings.map(\.message), [])
        let unmapped = try ConfigurationFile.parse(yaml: "tone: {channels: {portal: {formality: casual}}}\n")
        XCTAssertEqual(unmapped.warnings.count, 1)
    }

    func testWrongTypesAreReportedPerRecord() throws {
        let file = try tempDir().appendingPathComponent("types.jsonl")
        try Data("""
        {"id": 1, "requester_id": 5, "comments": [{"author_id": 5, "public": "yes", "plain_body": "hi"}]}
        {"id": 2, "requester_id": 5, "comments": [{"author_id": 5, "plain_body": 42}]}
        ["not", "a", "ticket"]
        {"id": 3, "requester_id": 5, "unknown_field": {"x": 1}, "comments": [{"author_id": 5, "plain_body": "Where is my order?"}, \
        {"author_id": 7, "plain_body": "Hi, it ships today."}]}

        """.utf8).write(to: file)
        let result = BatchProcessor(config: Configuration()).reading(.zendesk).run(paths: [file.path])
        XCTAssertEqual(result.failures.map(\.reason), [
            "record 1: ticket 1, comment 1: public: expected true or false, found text",
            "record 2: ticket 2, comment 1: plain_body: expected text, found a number",
            "record 3: expected an object, found text",
            "record 4: expected an object, found text",
            "record 5: expected an object, found text",
        ])
        XCTAssertEqual(summary(result), [["zendesk-user-7", "email", "Where is my order?", "Hi, it ships today."]])
    }

    func testHostileNestingAndBinaryAreBadRecordsNotCrashes() throws {
        let dir = try tempDir()
        let ticket =
            #"{"id": 1, "requester_id": 1, "comments": [{"author_id": 1, "plain_body": "Is it in stock?"}, "#
            + #"{"author_id": 2, "plain_body": "Yes, it ships today."}]}"#
        try Data((String(repeating: "[", count: 200_000) + "\n" + ticket + "\n").utf8).write(to: dir.appendingPathComponent("deep.jsonl"))
        try Data(("{\"tickets\": [" + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + ", "
            + ticket + "]}").utf8)
            .write(to: dir.appendingPathComponent("deep.json"))
        try Data((0..<2560).map { UInt8($0 % 256) }).write(to: dir.appendingPathComponent("binary.json"))
        let result = BatchProcessor(config: Configuration()).reading(.zendesk)
            .run(paths: ["deep.jsonl", "deep.json", "binary.json"].map { dir.appendingPathComponent($0).path })
        XCTAssertEqual(result.replies.map(\.reply.authored), ["Yes, it ships today.", "Yes, it ships today."],
                       "the ticket after the bad record is read")
        XCTAssertEqual(result.failures.map { "\(($0.path as NSString).lastPathComponent): \($0.reason)" }, [
            "deep.jsonl: record 1: truncated JSON: the line ends inside the record",
            "deep.json: record 1: invalid JSON",
            "binary.json: record 1: not JSON: expected { or [ at the start",
        ])
    }

    func testWithoutUsersNamesComeFromTheTicketOrNowhere() throws {
        let without = run(["zendesk-tickets.jsonl"])
        XCTAssertEqual(without.replies.map(\.reply.agent), ["zendesk-user-603"])
        XCTAssertNil(without.replies[0].reply.question?.customerName, "an id is not a name")
        let file = try tempDir().appendingPathComponent("email.jsonl")
        try Data(
            (#"{"id": 5, "requester_id": 8, "#
                + #""via": {"channel": "email", "source": {"from": {"address": "ann@home.example", "name": "Ann Lee"}}}, "#
                + #""comments": [{"author_id": 8, "plain_body": "Is it in stock?"}, {"author_id": 9, "plain_body": "Hi Ann, yes."}]}"#)
                .utf8)
            .write(to: file)
        let result = BatchProcessor(config: Configuration()).run(paths: [file.path])
        XCTAssertEqual(result.replies.first?.reply.question?.customerName, "Ann Lee")
        XCTAssertEqual(result.replies.first?.reply.recipients, ["Ann Lee <ann@home.example>"])
    }

    func testFiveMegabyteCommentIsRead() throws {
        let big = String(repeating: "The replacement part ships from our warehouse today. ", count: 100_000)
        let ticket: [String: Any] = ["id": 9, "requester_id": 1, "comments": [
            ["author_id": 1, "plain_body": "Is the part in stock?"],
            ["author_id": 2, "plain_body": big],
        ]]
        let file = try tempDir().appendingPathComponent("big.json")
        try JSONSerialization.data(withJSONObject: ["tickets": [ticket]]).write(to: file)
        let result = BatchProcessor(config: Configuration()).run(paths: [file.path])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(result.replies.count, 1)
        XCTAssertGreaterThan(result.replies[0].reply.authored.utf8.count, 5_000_000)

        var small = Configuration()
        small.limits.maxMessageBytes = 1_000_000
        let refused = BatchProcessor(config: small).run(paths: [file.path])
        XCTAssertEqual(refused.replies.count, 0)
        XCTAssertEqual(refused.failures.count, 1)
        XCTAssertTrue(refused.failures[0].reason.hasPrefix("record 1: a record of "), refused.failures[0].reason)
    }
}

/// The other helpdesks and CSV: the same questions of each fixture.
final class HelpdeskOtherFormatsTests: XCTestCase {
    func fixture(_ name: String) -> String { HelpdeskExportTests.fixtures.appendingPathComponent(name).path }

    func run(_ names: [String], config: Configuration = Configuration()) -> BatchResult {
        BatchProcessor(config: config).run(paths: names.map(fixture))
    }

    func summary(_ result: BatchResult) -> [[String]] {
        result.replies.map { [$0.reply.agent, $0.reply.channel, $0.reply.question?.text ?? "-", $0.reply.authored] }
    }

    func testFreshdeskTicketsWithAgentsFile() {
        let result = run(["freshdesk-tickets.json", "freshdesk-agents.json"])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Sam Rivera", "email", "I ordered the jacket in M but got an XL.",
             "Hi Dana,\n\nSorry about the mix-up. A size M is on its way and the return is free.\n\nBest regards,"],
            ["Sam Rivera", "email", "Thanks! Do I need to print the label?",
             "Hi Dana,\nYes, please print it and stick it on the box.\nThanks,"],
            ["Priya Nair", "chat", "My discount code SAVE10 is rejected.",
             "Hi there,\n\nSAVE10 expired last week; SAVE15 works until Friday.\n\nThanks,"],
        ])
        XCTAssertEqual(result.replies[0].reply.question?.customerName, "Dana Wu")
        XCTAssertEqual(result.replies[0].reply.attachments.map(\.filename), ["return-label.pdf"])
        XCTAssertEqual(result.customerMessages, 3)
        XCTAssertEqual(result.skipped.map(\.reason), ["1 internal note left out (never scored)"])
    }

    func testIntercomConversationsLeaveBotsOutByDefault() {
        let result = run(["intercom-conversations.json"])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Nina Patel", "chat", "Hi, my order still says processing after four days.",
             "Hi Eli,\n\nThanks for your patience. Your order shipped this morning; the tracking link is in your inbox.\n\nBest,"],
            ["Omar Said", "email", "Could you send me a copy of invoice 5521?", "Hi Fay,\n\nThe invoice is attached.\n\nKind regards,"],
        ])
        XCTAssertEqual(result.replies[1].reply.attachments.map(\.filename), ["invoice-5521.pdf"])
        XCTAssertEqual(result.replies[1].reply.subject, "Invoice copy")
        XCTAssertEqual(result.skipped.map(\.reason), ["1 internal note and 1 bot message left out (never scored)"])

        var config = Configuration()
        config.helpdesk.bots = .score
        let withBots = run(["intercom-conversations.json"], config: config)
        XCTAssertEqual(withBots.replies.map(\.reply.agent), ["Operator", "Nina Patel", "Omar Said"])
    }

    func testHelpScoutThreadsReadOldestFirst() {
        let result = run(["helpscout-conversations.json"])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Ivy Moss", "email", "The sensor never shows up in the app.",
             "Hi Gus,\n\nHold the button for ten seconds until the light blinks blue, then pair again.\n\nCheers,"],
        ])
        XCTAssertEqual(result.skipped.map(\.reason), ["1 internal note left out (never scored)"])
    }

    func testFrontMessagesWithoutDraftsOrComments() {
        let result = run(["front-conversations.json"])
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Kai Young", "email", "The box was crushed when it arrived.",
             "Hi Hana,\n\nSorry about the box. We refunded the shipping cost.\n\nRegards,"],
        ])
        XCTAssertEqual(result.replies[0].reply.question?.customerName, "Hana Ito")
    }

    func testCSVWithAColumnMapping() throws {
        var config = Configuration()
        config.helpdesk.csv.conversation = "Ticket"
        config.helpdesk.csv.role = "Sender type"
        config.helpdesk.csv.author = "Sender"
        config.helpdesk.csv.time = "Sent at"
        config.helpdesk.csv.channel = "Medium"
        config.helpdesk.csv.body = "Message"
        config.helpdesk.csv.subject = "Title"
        config.helpdesk.csv.agentRoles = ["staff"]
        config.helpdesk.csv.noteRoles = ["internal"]
        let result = run(["generic.csv"], config: config)
        XCTAssertEqual(result.failures, [])
        XCTAssertEqual(summary(result), [
            ["Rui Costa", "sms", "My parcel shows delivered, but it isn't here.",
             "Hi Jo,\n\nI've opened a claim with the courier; you'll hear from us by Monday.\n\nThanks,"],
            ["Rui Costa", "email", "Can I change my delivery address?", "Hi Lu,\n\nYes, the new address is saved.\n\nBest,"],
        ])
        XCTAssertEqual(result.replies[0].reply.subject, "Missing parcel")
        XCTAssertEqual(result.skipped.map(\.reason), ["1 internal note left out (never scored)"])
        // Without the mapping the file is not recognised, and a forced CSV read names the missing columns.
        XCTAssertEqual(run(["generic.csv"]).replies.count, 0)
        let forced = BatchProcessor(config: Configuration()).reading(.csv).run(paths: [fixture("generic.csv")])
        XCTAssertEqual(forced.failures.map(\.reason), ["the header row has no column “conversation_id”, “body” (see helpdesk.csv)"])
    }

    func testMalformedCSVRowsAreReportedByNumber() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-helpdesk-csv-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("export.csv")
        try Data(
            ("\u{FEFF}conversation_id,author_role,author_name,body\r\n1,customer,Ann,Where is my order?\r\n,agent,Maya,No " +
                "conversation\r\n1,agent,Maya,\"Hi Ann, it ships today.\"\r\n2,customer,Ben,\"Unfinished quote\r\n").utf8).write(to: file)
        let result = BatchProcessor(config: Configuration()).run(paths: [dir.path])
        XCTAssertEqual(summary(result), [["Maya", "email", "Where is my order?", "Hi Ann, it ships today."]])
        XCTAssertEqual(result.failures.map(\.reason),
                       ["record 2: no conversation id (column “conversation_id”)", "record 4: the file ends inside a quoted field"])
    }

    func testConfigurationReadsTheHelpdeskSection() throws {
        let config = try Configuration.parse(yaml: """
        helpdesk:
          channels: {Web: email}
          bots: score
          csv: {conversation: Ticket, body: Message, agent_roles: [Staff]}
        """)
        XCTAssertEqual(config.helpdesk.channels, ["web": "email"])
        XCTAssertEqual(config.helpdesk.bots, .score)
        XCTAssertEqual(config.helpdesk.csv.conversation, "Ticket")
        XCTAssertEqual(config.helpdesk.csv.agentRoles, ["staff"])
        XCTAssertThrowsError(try Configuration.parse(yaml: "helpdesk: {bots: maybe}"))
    }

    func testSampleCopiesExportRepliesAsEmailsThatCheckThreadsAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-helpdesk-sample-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = try runReplyQA(["sample", fixture("zendesk-incremental.json"), "--per-agent", "5", "--out", dir.path])
        XCTAssertEqual(sample.status, 0, sample.stderr)
        XCTAssertFalse(sample.stderr.contains("not found"), sample.stderr)
        func replies(_ path: String) throws -> [[String]] {
            let run = try runReplyQA(["extract", "--format", "json", path])
            XCTAssertEqual(run.status, 0, run.stderr)
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return try XCTUnwrap(json["replies"] as? [[String: Any]]).map { r in
                [r["message_id"] as? String ?? "", r["agent"] as? String ?? "", r["channel"] as? String ?? "",
                 (r["question"] as? [String: Any])?["text"] as? String ?? "-", r["authored"] as? String ?? ""]
            }.sorted { $0[0] < $1[0] }
        }
        XCTAssertEqual(try replies(dir.path), try replies(fixture("zendesk-incremental.json")))
    }

    func testLintRefusesAnExport() throws {
        let run = try runReplyQA(["lint", fixture("zendesk-tickets.jsonl")])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(
            run.stderr.contains(
                "a zendesk export holds many replies; lint checks one reply (use `replyqa check` for an export)"), run.stderr)
    }

    func testCommandLineForcesTheFormat() throws {
        let run = try runReplyQA(["extract", "--format", "json", "--input-format", "zendesk", fixture("zendesk-incremental.json")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let replies = try XCTUnwrap(json["replies"] as? [[String: Any]])
        XCTAssertEqual(replies.map { $0["agent"] as? String }, ["Maya Chen", "Tom Becker", "Tom Becker"])
        XCTAssertEqual(replies.map { $0["channel"] as? String }, ["web", "chat", "chat"])
        let bad = try runReplyQA(["extract", "--input-format", "helpdesk", fixture("zendesk-incremental.json")])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }
}
