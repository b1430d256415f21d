import XCTest
import ReplyQACore
import Safety

final class SafetyRuleTests: XCTestCase {
    static let checker: SafetyChecker = try! SafetyChecker(
        lexicon: SafetyLexicon.load(language: "en", locator: DictionaryLocator(config: Configuration())))
    let context = CheckContext(config: Configuration())

    func testCustomerDataDeepInALongReplyIsFoundAtItsOffsetAndLinksStayExempt() {
        // Emoji are two UTF-16 units and one scalar: spans must count scalars all the way down.
        let filler = String(repeating: "Thanks for waiting 🙂 we are on it.\n", count: 3000)
        let text = filler + "The archive is https://web.archive.org/web/20230101123456789/x and your card is 4111 1111 1111 1111.\n"
        let findings = Self.checker.check(SafetyChecker.exampleReply(text), in: context).filter { $0.rule == "card-number" }
        XCTAssertEqual(findings.map { text.text(at: $0.span) }, ["4111 1111 1111 1111"])
    }

    func testAttachmentClaimIsFineWithAnAttachment() {
        var reply = SafetyChecker.exampleReply("Please find attached the label.")
        reply.attachments = [Attachment(filename: "label.pdf", contentType: "application/pdf", size: 1200)]
        XCTAssertEqual(Self.checker.check(reply, in: context).filter { $0.rule == "attachment-missing" }, [])
    }

    func testHandlesAreFineOnSocialChannels() {
        var reply = SafetyChecker.exampleReply("Thanks @linda_p, it shipped!")
        reply.channel = "social"
        XCTAssertEqual(Self.checker.check(reply, in: context).filter { $0.rule == "colleague-mention" }, [])
    }

    func testWrongNameSuggestsTheCustomersNameAndAcceptsShortForms() {
        let f = Self.checker.check(SafetyChecker.exampleReply("Hi Karen,\nDone."), in: context).first { $0.rule == "wrong-name" }
        XCTAssertEqual(f?.suggestion, "Linda")
        var ben = SafetyChecker.exampleReply("Hi Ben,\nDone.")
        ben.question?.customerName = "Benjamin Hall"
        XCTAssertEqual(Self.checker.check(ben, in: context).filter { $0.rule == "wrong-name" }, [])
        var handle = SafetyChecker.exampleReply("Hi Kai! The tent fits two.")
        handle.question = CustomerQuestion(text: "does it fit 3?", source: .thread, customerName: "@campwithkai",
                                           customerAddress: "campwithkai@dm.example")
        XCTAssertEqual(Self.checker.check(handle, in: context).filter { $0.rule == "wrong-name" }, [])
    }

    /// Greeting words are shared with tone (common/en.yml): every greeting tone knows, safety reads.
    func testWrongNameReadsEveryGreetingOfTheCommonList() throws {
        let common = try CommonLexicon.load(language: "en", locator: DictionaryLocator(config: Configuration()))
        for greeting in ["howdy", "hola", "good morning"] {
            XCTAssertTrue(common.greetings.contains(greeting))
            let text = greeting.prefix(1).uppercased() + greeting.dropFirst() + " Karen,\nDone."
            let found = Self.checker.check(SafetyChecker.exampleReply(text), in: context).filter { $0.rule == "wrong-name" }
            XCTAssertEqual(found.count, 1, text)
        }
        let thanks = Self.checker.check(SafetyChecker.exampleReply("Hi thanks,\nDone."), in: context)
        XCTAssertEqual(thanks.filter { $0.rule == "wrong-name" }, [],
                       "“thanks” is among the common not-names")
    }

    func testEmptyReplyKinds() {
        var r = SafetyChecker.exampleReply("")
        r.signature = "Maya Chen"
        XCTAssertEqual(Self.checker.check(r, in: context).first?.message, "The reply holds only a signature.")
        r.signature = nil; r.quoted = "> hi"
        XCTAssertEqual(Self.checker.check(r, in: context).first?.message, "The reply holds only quoted text.")
    }

    func testSuggestionsMaskData() {
        let f = Self.checker.check(SafetyChecker.exampleReply("Card 4111 1111 1111 1111 failed."), in: context)
            .first { $0.rule == "card-number" }
        XCTAssertEqual(f?.suggestion, "•••• 1111")
        let p = Self.checker.check(SafetyChecker.exampleReply("Hi {{first_name}},"), in: context)
            .first { $0.rule == "template-placeholder" }
        XCTAssertEqual(p?.suggestion, "Linda")
    }
}
