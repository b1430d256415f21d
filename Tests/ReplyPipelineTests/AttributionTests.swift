import XCTest
import MailIngest
import ReplyPipeline
import ReplyQACore

final class AttributionTests: XCTestCase {
    func msg(_ from: MailAddress, id: String, inReplyTo: String? = nil, headers: [String: String] = [:],
             to: [MailAddress] = [], path: String = "batch/x.eml", body: String = "Hello") -> MailMessage {
        MailMessage(path: path, messageID: id, inReplyTo: inReplyTo, references: inReplyTo.map { [$0] } ?? [],
                    from: from, to: to, headers: headers, body: body, bodyKind: .plain)
    }

    func testAgentNameComesFromAddressMapThenHeaderThenDisplayName() throws {
        let config = try Configuration.parse(yaml: """
        agents:
          header: X-Agent
          addresses:
            Tom.B@Example.com: Tom Becker
        support_domains: [example.com]
        """)
        let a = Attribution(config: config)
        XCTAssertEqual(a.agent(of: msg(MailAddress(name: "Someone", address: "tom.b@example.com"), id: "1")), "Tom Becker")
        XCTAssertEqual(a.agent(of: msg(MailAddress(name: "Support", address: "help@example.com"), id: "2",
                                       headers: ["x-agent": "Maya Chen"])), "Maya Chen")
        XCTAssertEqual(a.agent(of: msg(MailAddress(name: "Sam Patel", address: "sam@example.com"), id: "3")), "Sam Patel")
        XCTAssertEqual(a.agent(of: msg(MailAddress(name: nil, address: "x@example.com"), id: "4")), "x@example.com")
        XCTAssertTrue(a.isAgentMessage(msg(MailAddress(name: nil, address: "x@mail.example.com"), id: "5")))
        XCTAssertFalse(a.isAgentMessage(msg(MailAddress(name: nil, address: "x@customer.example"), id: "6")))
    }

    func testChannelRulesInOrderThenDefault() throws {
        let config = try Configuration.parse(yaml: """
        channels:
          - {channel: social, header: X-Source, equals: twitter}
          - {header: X-Channel}
          - {channel: chat, address: chat@example.com}
          - {channel: phone, folder: voicemail}
        default_channel: email
        """)
        let a = Attribution(config: config)
        let from = MailAddress(name: nil, address: "a@example.com")
        XCTAssertEqual(a.channel(of: msg(from, id: "1", headers: ["x-source": "Twitter"])), "social")
        XCTAssertEqual(a.channel(of: msg(from, id: "2", headers: ["x-source": "facebook", "x-channel": "Forum"])), "forum")
        XCTAssertEqual(a.channel(of: msg(from, id: "3", to: [MailAddress(name: nil, address: "Chat@example.com")])), "chat")
        XCTAssertEqual(a.channel(of: msg(from, id: "4", path: "mail/Voicemail/cur/1")), "phone")
        XCTAssertEqual(a.channel(of: msg(from, id: "5")), "email")
        XCTAssertEqual(a.channel(of: msg(from, id: "6", path: "Maildir/.Voicemail/new/2")), "phone")
    }

    func testSupportDomainIsInferredWhenNotConfigured() {
        var messages: [MailMessage] = []
        for (i, customer) in ["ann@gmail.example", "bob@yahoo.example", "cy@gmail.example"].enumerated() {
            messages.append(msg(MailAddress(name: nil, address: customer), id: "q\(i)"))
            messages.append(msg(MailAddress(name: nil, address: "agent\(i % 2)@acme.example"), id: "r\(i)", inReplyTo: "q\(i)"))
        }
        // A customer answering the agent does not make the customer's domain a support domain.
        messages.append(msg(MailAddress(name: nil, address: "ann@gmail.example"), id: "f0", inReplyTo: "r0"))
        XCTAssertEqual(Attribution.inferSupportDomains(messages), ["acme.example"])
        let result = BatchProcessor(config: Configuration()).run(messages: messages)
        XCTAssertEqual(result.replies.map(\.reply.messageID), ["r0", "r1", "r2"])
        XCTAssertEqual(result.customerMessages, 4)
    }

    func testQuestionIsTheNearestCustomerMessageUpTheThread() throws {
        let config = try Configuration.parse(yaml: "support_domains: [acme.example]")
        let customer = MailAddress(name: "Ann", address: "ann@home.example")
        let agent = MailAddress(name: "Maya", address: "maya@acme.example")
        let messages = [
            msg(customer, id: "q1", body: "Where is order 1?"),
            msg(agent, id: "r1", inReplyTo: "q1", body: "It ships today."),
            // An agent follow-up to their own reply still answers the customer's message.
            MailMessage(path: "b/r2.eml", messageID: "r2", inReplyTo: "r1", references: ["q1", "r1"], from: agent,
                        body: "Update: it shipped.", bodyKind: .plain),
            msg(agent, id: "r3", inReplyTo: "elsewhere", to: [customer],
                body: "Yes.\n\nOn Mon, Ann <ann@home.example> wrote:\n> Is it covered?"),
            msg(agent, id: "r4", body: "A reply with nothing to answer."),
        ]
        let result = BatchProcessor(config: config).run(messages: messages)
        var q: [String: CustomerQuestion] = [:]
        for r in result.replies { q[r.reply.messageID!] = r.reply.question }
        XCTAssertEqual(q["r1"]?.text, "Where is order 1?")
        XCTAssertEqual(q["r1"]?.source, .thread)
        XCTAssertEqual(q["r2"]?.messageID, "q1")
        XCTAssertEqual(q["r3"]?.text, "Is it covered?")
        XCTAssertEqual(q["r3"]?.source, .quote)
        XCTAssertEqual(q["r3"]?.customerName, "Ann")
        XCTAssertNil(q["r4"])
        XCTAssertEqual(result.replies.count, 4)
    }
}

final class ConfigurationTests: XCTestCase {
    func testParsesEveryKeyAndDefaults() throws {
        let c = try Configuration.parse(yaml: """
        agents: {header: X-Rep, addresses: {A@X.com: Ann}}
        support_domains: [X.com]
        default_channel: web
        disabled_rules: [spelling]
        limits: {max_mime_depth: 7}
        """)
        XCTAssertEqual(c.agentHeader, "X-Rep")
        XCTAssertEqual(c.agentAddresses, ["a@x.com": "Ann"])
        XCTAssertEqual(c.supportDomains, ["x.com"])
        XCTAssertEqual(c.defaultChannel, "web")
        XCTAssertEqual(c.disabledRules, ["spelling"])
        XCTAssertEqual(c.limits.maxMimeDepth, 7)
        XCTAssertEqual(c.limits.maxMessageBytes, Limits().maxMessageBytes)
        XCTAssertEqual(try Configuration.parse(yaml: ""), Configuration())
    }

    func testBadConfigurationSaysWhere() {
        XCTAssertThrowsError(try Configuration.parse(yaml: "limits: {max_mime_depth: lots}")) { error in
            XCTAssertTrue("\(error)".contains("max_mime_depth"), "\(error)")
        }
        XCTAssertThrowsError(try Configuration.load(path: "/no/such/replyqa.yml")) { error in
            XCTAssertTrue("\(error)".contains("cannot read"), "\(error)")
        }
    }
}

/// A checker used to exercise the seam: flags every "ASAP" with its exact span.
struct AsapChecker: Checker {
    var name: String { "asap" }
    func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        var search = reply.authored.startIndex..<reply.authored.endIndex
        while let r = reply.authored.range(of: "ASAP", range: search) {
            findings.append(Finding(category: .clarity, rule: "no-asap", severity: .warning, span: reply.authored.span(of: r),
                                    message: "Say when instead of ASAP.", suggestion: "by Friday"))
            search = r.upperBound..<reply.authored.endIndex
        }
        findings.append(Finding(category: .closing, rule: "always", severity: .info, span: Span(start: 0, end: 0), message: "seen"))
        return findings
    }
}

final class CheckerSeamTests: XCTestCase {
    func testRegisteredCheckersRunOnAuthoredTextWithExactSpans() throws {
        let agent = MailAddress(name: "Maya", address: "maya@acme.example")
        let m = MailMessage(path: "r.eml", messageID: "r", from: agent,
                            body: "Héllo — I’ll fix it ASAP, ASAP.\n\n> ASAP in the quote is not hers", bodyKind: .plain)
        var config = try Configuration.parse(yaml: "support_domains: [acme.example]")
        let result = BatchProcessor(config: config, checkers: CheckerRegistry([AsapChecker()])).run(messages: [m])
        let reply = try XCTUnwrap(result.replies.first)
        let asap = reply.findings.filter { $0.rule == "no-asap" }
        XCTAssertEqual(asap.count, 2)
        XCTAssertEqual(asap.map { reply.reply.authored.text(at: $0.span) }, ["ASAP", "ASAP"])
        XCTAssertEqual(asap.first?.span, Span(start: 20, end: 24))
        // Severities can be overridden per rule.
        var louder = config
        louder.severities = ["no-asap": .error]
        XCTAssertEqual(Set(BatchProcessor(config: louder, checkers: CheckerRegistry([AsapChecker()])).run(messages: [m]).replies[0]
            .findings.filter { $0.rule == "no-asap" }.map(\.severity)), [.error])
        // Disabled rules are dropped; findings are sorted by position.
        config.disabledRules = ["always"]
        let filtered = BatchProcessor(config: config, checkers: CheckerRegistry([AsapChecker()])).run(messages: [m])
        XCTAssertEqual(filtered.replies[0].findings.map(\.rule), ["no-asap", "no-asap"])
        let json = try BatchDocument(filtered, includeFindings: true).json()
        XCTAssertTrue(json.contains("\"suggestion\" : \"by Friday\""), json)
        XCTAssertTrue(json.contains("\"text\" : \"ASAP\""), json)
    }
}
