import XCTest
import ReplyQACore
import Spelling

final class SpellingCheckerTests: XCTestCase {
    static let service: SpellingService = try! SpellingService(config: Configuration())
    var checker: SpellingChecker { SpellingChecker(service: Self.service) }

    func reply(_ text: String, agent: String = "Maya Chen", customer: String? = "Linda Park", channel: String = "email") -> Reply {
        Reply(file: "x", messageID: nil, agent: agent, channel: channel, date: nil, subject: nil, fromAddress: nil,
              recipients: customer.map { ["\($0) <x@example.com>"] } ?? [], authored: text, signature: nil, footer: nil,
              quoted: nil, question: nil, attachments: [])
    }

    func flagged(_ text: String, _ r: Reply? = nil) -> [String] {
        let r = r ?? reply(text)
        return checker.check(r, in: CheckContext(config: Configuration())).map { r.authored.text(at: $0.span) }
    }

    func testFlagsTyposWithSuggestions() {
        let r = reply("We will recieve it untill Friday.")
        let findings = checker.check(r, in: CheckContext(config: Configuration()))
        XCTAssertEqual(findings.map { r.authored.text(at: $0.span) }, ["recieve", "untill"])
        XCTAssertEqual(findings.first?.suggestion, "receive")
        XCTAssertEqual(findings.first?.category, .spelling)
        XCTAssertTrue(findings.first?.message.contains("did you mean “receive”") ?? false, findings.first?.message ?? "")
    }

    func testAcceptsContractionsPossessivesCompoundsAndCustomWords() {
        XCTAssertEqual(flagged("I don’t think it's the customer’s fault; the Parks' sign-in and checkout work via the app."), [])
        XCTAssertEqual(flagged("Please unsubscribe and use your iPhone or PayPal."), [])
    }

    func testHyphenatedCompoundsAreCheckedPartByPart() {
        XCTAssertEqual(flagged("A well-knwon issue."), ["knwon"])
    }

    func testNamesFromHeadersAreKnown() {
        XCTAssertEqual(flagged("Hi Jürgen Müller, thanks.", reply("Hi Jürgen Müller, thanks.", customer: "Jürgen Müller")), [])
        XCTAssertEqual(flagged("Xylofreb said hi.", reply("Xylofreb said hi.", customer: nil)), ["Xylofreb"])
    }

    func testSkipZonesAreNotChecked() {
        XCTAssertEqual(flagged("See https://exmple.com/pth, write to hlep@exmple.com, or DM @trailrunnr about #TrailLif and 2FA."), [])
    }

    func testCapitalizedWordsInsideSentencesAreTakenAsNames() {
        XCTAssertEqual(flagged("Your Ridgelyne tent ships today."), [])
        var config = Configuration()
        config.spelling.skipCapitalized = false
        let strict = SpellingChecker(service: try! SpellingService(config: config))
        let r = reply("Your Ridgelyne tent ships today.")
        XCTAssertEqual(strict.check(r, in: CheckContext(config: config)).map { r.authored.text(at: $0.span) }, ["Ridgelyne"])
    }

    func testConfigWordsAndMissingDictionary() throws {
        var config = Configuration()
        config.spelling.words = ["Northwind"]
        config.spelling.skipCapitalized = false
        let service = try SpellingService(config: config)
        let r = reply("Northwind ships fast.")
        XCTAssertEqual(SpellingChecker(service: service).check(r, in: CheckContext(config: config)), [])
        config.spelling.language = "xx_XX"
        XCTAssertThrowsError(try SpellingService(config: config)) { XCTAssertTrue("\($0)".contains("no Hunspell dictionary xx_XX"), "\($0)") }
    }

    func testLanguagePerAgentChannelAndDetection() throws {
        var config = Configuration()
        config.spelling.agentLanguages = ["Jürgen": "de_DE"]
        config.spelling.channelLanguages = ["uk": "en_GB"]
        let service = try SpellingService(config: config)
        XCTAssertEqual(service.language(for: reply("Hello there", agent: "Jürgen")), "de_DE")
        XCTAssertEqual(service.language(for: reply("Hello there", channel: "uk")), "en_GB")
        let german = reply("Vielen Dank für Ihre Nachricht. Wir haben die Bestellung storniert und Sie bekommen das Geld zurück.")
        let expected = service.locator.hunspell("de_DE") != nil ? "de_DE" : "en_US"
        XCTAssertEqual(service.language(for: german), expected)
        XCTAssertEqual(service.language(for: reply("Thank you for your message. We will refund the order today.")), "en_US")
    }

    func testSuggestionsAreCached() {
        let speller = Self.service.speller(for: "en_US")!
        let first = speller.suggest("recieve")
        let start = Date()
        for _ in 0..<100 { XCTAssertEqual(speller.suggest("recieve"), first) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.05)
    }
}

final class SpellingRuleExamplesTests: XCTestCase {
    func testRuleExamples() throws {
        let checker = SpellingChecker(service: try SpellingService(config: Configuration()))
        let speller = checker.service.speller(for: "en_US")!
        for rule in checker.rules {
            for example in rule.triggers {
                let (text, spans) = RuleDescription.parseExample(example)
                XCTAssertEqual(checker.check(text, speller: speller).filter { $0.rule == rule.id }.map(\.span), spans, "\(rule.id): \(example)")
            }
            for example in rule.passes {
                XCTAssertEqual(checker.check(example, speller: speller).filter { $0.rule == rule.id }, [], "\(rule.id): \(example)")
            }
        }
    }
}
