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
        XCTAssertThrowsError(try SpellingService(config: config)) { XCTAssertTrue(
            "\($0)".contains("no Hunspell dictionary xx_XX"), "\($0)") }
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

/// Suggestions cost tens of milliseconds each: a reply (and a run) may make only so many, and text
/// that is not language gets one finding instead of one per word.
final class SpellingLimitsTests: XCTestCase {
    func reply(_ text: String) -> Reply {
        Reply(file: "x", messageID: nil, agent: "Maya Chen", channel: "email", date: nil, subject: nil, fromAddress: nil,
              recipients: ["Linda Park <x@example.com>"], authored: text, signature: nil, footer: nil,
              quoted: nil, question: nil, attachments: [])
    }

    /// Distinct made-up words Hunspell does not know ("blorvakvakvak", "blorvelvakvak", ...).
    static func unknownWords(_ n: Int) -> [String] {
        let syllables = ["vak", "vel", "tor", "mip", "dun", "sor", "kel", "bim", "rax", "pol", "nug", "zet", "fip"]
        return (0..<n).map { i in "blor" + syllables[i % 13] + syllables[(i / 13) % 13] + syllables[(i / 169) % 13] }
    }

    func testTwoThousandUnknownWordsMakeFewSuggestionLookUps() throws {
        let service = try SpellingService(config: Configuration())
        let checker = SpellingChecker(service: service)
        let speller = try XCTUnwrap(service.speller(for: "en_US"))
        // Each made-up word sits in an ordinary sentence: typos, not a run of non-words.
        let text = Self.unknownWords(2000).map { "Please send the \($0) today." }.joined(separator: " ")
        let before = speller.lookups
        let started = Date()
        // The text itself, not a reply: a reply is read only to `ReadLimit.scalars`.
        let findings = checker.check(text, speller: speller)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "a suggestion for every word took 93 s in release")
        let spelling = findings.filter { $0.rule == "spelling" }
        XCTAssertEqual(spelling.count, 2000)
        XCTAssertEqual(speller.lookups - before, SuggestionBudget.perReply)
        XCTAssertEqual(service.suggestionBudget.spent, SuggestionBudget.perReply)
        XCTAssertLessThanOrEqual(spelling.filter { $0.suggestion != nil }.count, SuggestionBudget.perReply)
        // Past the cap a finding still names the word, without a suggestion.
        XCTAssertEqual(spelling.last?.message, "“\(Self.unknownWords(2000).last!)” is not in the en_US dictionary.")
        XCTAssertFalse(findings.contains { $0.rule == "not-language" })
    }

    func testTheRunsBudgetIsSharedByItsReplies() throws {
        let service = try SpellingService(config: Configuration(), suggestionBudget: SuggestionBudget(limit: 3))
        let checker = SpellingChecker(service: service)
        let speller = try XCTUnwrap(service.speller(for: "en_US"))
        let before = speller.lookups
        var suggested = 0
        for typo in ["recieve", "untill", "tommorow", "definately", "seperate"] {
            let f = checker.check(reply("We will \(typo) it."), in: CheckContext(config: Configuration()))
            suggested += f.filter { $0.suggestion != nil }.count
        }
        XCTAssertEqual(speller.lookups - before, 3)
        XCTAssertEqual(suggested, 3)
        // A word whose suggestions are known already costs nothing and keeps them.
        let again = checker.check(reply("We will recieve it."), in: CheckContext(config: Configuration()))
        XCTAssertEqual(again.first?.suggestion, "receive")
    }

    func testTextThatIsNotLanguageGetsOneFindingAndNoSuggestions() throws {
        let service = try SpellingService(config: Configuration())
        let checker = SpellingChecker(service: service)
        let speller = try XCTUnwrap(service.speller(for: "en_US"))
        var rng = SeededRandom(seed: 5)
        let letters = Array("bcdfghjklmnpqrstvwxz")
        let gibberish = (0..<2000).map { _ in String((0..<(3 + Int(rng.next() % 6))).map { _ in letters[Int(rng.next() % 20)] }) }
        let base64 = (0..<40).map { _ in String((0..<76)
            .map { _ in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")[Int(rng.next() % 64)] }) }
        for (name, blob, kind) in [("gibberish", gibberish.joined(separator: " "), "not in the en_US dictionary"),
                                   ("base64", base64.joined(separator: "\n"), "base64")] {
            let text = "Hi Linda,\n\nHere it is:\n\n\(blob)\n\nWe will recieve it Friday.\n\nBest regards,\nMaya"
            let before = speller.lookups
            let findings = checker.check(reply(text), in: CheckContext(config: Configuration()))
            let notLanguage = findings.filter { $0.rule == "not-language" }
            XCTAssertEqual(notLanguage.count, 1, name)
            XCTAssertTrue(notLanguage.first?.message.contains(kind) ?? false, "\(name): \(notLanguage)")
            // The typo after the blob is still found, with its suggestion; nothing inside the blob is.
            XCTAssertEqual(findings.filter { $0.rule == "spelling" }.map { text.text(at: $0.span) }, ["recieve"], name)
            XCTAssertLessThanOrEqual(speller.lookups - before, 1, name)
        }
    }
}
