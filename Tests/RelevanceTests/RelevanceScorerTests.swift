import XCTest
import ReplyQACore
import Relevance

final class RelevanceScorerTests: XCTestCase {
    static let scorer = RelevanceScorer(extractor: TermExtractor(
        lexicon: try! RelevanceLexicon.load(locator: DictionaryLocator(config: Configuration()))))
    var scorer: RelevanceScorer { Self.scorer }

    func stats(_ texts: [String]) -> TermStatistics {
        var s = TermStatistics()
        for t in texts { s.add(scorer.extractor.terms(scorer.extractor.tokens(t))) }
        return s
    }

    func testTermsFoldSynonymsAndStems() {
        let terms = scorer.extractor.terms(scorer.extractor.tokens("I want my money back for the damaged tents, I was charged twice."))
        XCTAssertEqual(terms, ["want", "refund", "broken", "tent", "charge", "twice"])
    }

    func testEntitiesAreIdsNumbersAndNames() {
        let e = scorer.extractor.entities(scorer.extractor.tokens("Order 48213 and ticket TCK-1234 for my Ridgeline tent."))
        XCTAssertEqual(e, ["48213", "tck-1234", "ridgeline"])
    }

    func testErrorMessagesAreEntities() {
        XCTAssertEqual(scorer.extractor.quotedEntities("The app says “Payment declined” and then error E-1042 appears."),
                       ["payment declined", "e-1042"])
        XCTAssertEqual(scorer.extractor.quotedEntities("It shows \"Invalid card number\" every time"), ["invalid card number"])
        XCTAssertEqual(scorer.extractor.quotedEntities("I don't know which email I used, it can't be found."), [])
    }

    func testAnswerTypesOfQuestions() {
        let asks =
            scorer.asks(
                in: "When will my refund arrive? How much is shipping to Canada? How do I reset my password? Why was I charged twice?")
        XCTAssertEqual(asks.map(\.type), [.time, .amount, .steps, .reason])
    }

    func testRelevantReplyOutscoresACannedOneAndNamesWhatIsMissing() {
        let question =
            "Hello, I returned the camping stove from order 48213 two weeks ago and I still have not received my refund. When will I " +
                "get my money back?"
        let fitting =
            "Hi Sofia, I checked order 48213: your refund for the stove was issued today and reaches your card within 3 business days."
        let canned = "To reset your password, open the app, choose Sign in, then Forgot password, and follow the link we email you."
        let s = stats([question, fitting, canned])
        let good = scorer.score(reply: fitting, question: question, stats: s)
        let bad = scorer.score(reply: canned, question: question, stats: s)
        XCTAssertGreaterThan(good.score, 0.5)
        XCTAssertGreaterThan(good.score, 4 * bad.score)
        XCTAssertLessThan(bad.score, RelevanceScorer.offTopicThreshold)
        XCTAssertEqual(good.typeFit, 1)
        XCTAssertEqual(good.entities, 1)
        XCTAssertTrue(bad.missing.contains("refund") && bad.missing.contains("48213"), "\(bad.missing)")
    }

    func testUnansweredSecondQuestion() {
        let question = "Do you ship to Canada? And are the Summit boots waterproof?"
        let reply = "Yes, we ship to Canada within 5 to 10 business days."
        let r = scorer.score(reply: reply, question: question, stats: stats([question, reply]))
        XCTAssertEqual(r.unanswered, ["And are the Summit boots waterproof?"])
    }

    /// Only a real information request that the reply leaves open counts as unanswered.
    func testOnlyRealOpenQuestionsAreUnanswered() {
        let reply = "Yes, we ship to Canada within 5 to 10 business days."
        func unanswered(_ question: String, reply: String = reply, ignore: Set<String> = ["northwind"]) -> [String] {
            scorer.score(reply: reply, question: question, stats: stats([question, reply]), ignore: ignore).unanswered
        }
        // Statements and pleas are not questions.
        XCTAssertEqual(unanswered("Do you ship to Canada? I need your help with the Summit boots waterproofing."), [])
        XCTAssertEqual(unanswered("Do you ship to Canada? Please get back to us about the Summit boots ASAP!"), [])
        // Vents and rhetorical questions.
        XCTAssertEqual(unanswered("Do you ship to Canada? WTF is wrong with the Summit boots?"), [])
        XCTAssertEqual(unanswered("Do you ship to Canada? Whyyyy are the Summit boots leaking??"), [])
        XCTAssertEqual(unanswered("Do you ship to Canada? What the hell happened to the Summit boots?"), [])
        // A question put to another company, not this one.
        XCTAssertEqual(unanswered("@Northwind do you ship to Canada? @Acme are your Summit boots waterproof?"), [])
        // The reply hands the rest off with a link or a referral, or asks back: handled.
        let question = "Do you ship to Canada? And are the Summit boots waterproof?"
        XCTAssertEqual(unanswered(question, reply: reply + " Details on the boots: https://example.com/summit"), [])
        XCTAssertEqual(unanswered(question, reply: reply + " For the boots, please DM us."), [])
        XCTAssertEqual(unanswered(question, reply: reply + " Which boots size do you have?"), [])
        // A reply that answers none of the questions is a relevance matter, not a left-out question.
        XCTAssertEqual(unanswered(question, reply: "Thanks for reaching out, we are on it."), [])
        // ...while the real one still counts.
        XCTAssertEqual(unanswered(question), ["And are the Summit boots waterproof?"])
    }
}
