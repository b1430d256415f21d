import XCTest
import ReplyQACore
import Relevance

/// Relevance read from meaning: what the model is given, the settings file, and the verdicts.
final class SemanticRelevanceTests: XCTestCase {
    static let locator = DictionaryLocator(config: Configuration())
    static let lexicon = try! RelevanceLexicon.load(locator: locator)
    static let semantic = try! SemanticRelevance(locator: locator)
    static let checker = RelevanceChecker(lexicon: lexicon, semantic: semantic)

    func analyze(_ example: String, config: Configuration = Configuration()) throws -> (RelevanceResult?, [Finding]) {
        let e = try RuleExample.parse(example).get()
        let out = Self.checker.analyze(e.reply, in: CheckContext(config: config, batch: e.batch))
        return (out.evidence as? RelevanceResult, out.findings)
    }

    func testHandlesAddressesAndSignOffsCarryNoMeaning() {
        XCTAssertEqual(MeaningModel.meaningfulText("@TNicki28 Please email help@brand.example and we will assist. ^AS"),
                       "Please email and we will assist.")
        XCTAssertEqual(MeaningModel.meaningfulText(
            "@dana Thanks for waiting! Here's how: https://help.example.com/articles/refunds -Steve"),
                       "Thanks for waiting! Here's how: https://help.example.com/articles/refunds")
        // A word that only looks like a sign-off stays when it is not the last one.
        XCTAssertEqual(MeaningModel.meaningfulText("Use the -Verbose flag to see more"), "Use the -Verbose flag to see more")
        XCTAssertEqual(MeaningModel.meaningfulText("@only"), ".")
    }

    func testAReplyAboutTheIssueScoresAboveOneAboutAnother() throws {
        let asked = "My package from order 48213 never arrived and the tracking page has not changed for a week. Where is it?"
        let right = try analyze("[question: \(asked)] The parcel for order 48213 is held at the depot; it will be delivered tomorrow.").0
        let wrong =
            try analyze(
                "[question: \(asked)] Our Summit hiking boots are waterproof up to the ankle and come with a two-year warranty against " +
                    "sole separation.").0
        let r = try XCTUnwrap(right), w = try XCTUnwrap(wrong)
        XCTAssertNotNil(r.similarity)
        XCTAssertGreaterThan(r.similarity ?? 0, (w.similarity ?? 0) + 0.2)
        XCTAssertGreaterThan(r.score, 0.5)
        XCTAssertLessThan(w.score, Self.semantic.settings.wrongBelow)
    }

    func testAWrongMacroSaysWhatWasAskedAndWhatItIsAbout() throws {
        let (result, findings) = try analyze(
            "[question: I returned the stove from order 48213 on March 3. When will I get my refund? | macro: change-email] To change " +
                "the email address on your account, open Settings, choose Profile, then Email, and confirm the code we send you.")
        let f = try XCTUnwrap(findings.first { $0.rule == "ignores-question" })
        XCTAssertEqual(f.severity, .error)
        XCTAssertTrue(f.message.contains("macro “change-email”"), f.message)
        XCTAssertTrue(f.message.contains("When will I get my refund?") || f.message.contains("returned the stove"), f.message)
        XCTAssertTrue(f.message.contains("The reply is about") && f.message.contains("email"), f.message)
        let evidence = try XCTUnwrap(result)
        // Evidence a coach can use: no date words, no link fragments.
        XCTAssertFalse(evidence.missing.contains("march"), "\(evidence.missing)")
        XCTAssertFalse(evidence.about.contains { $0.contains("http") || $0.contains("/") }, "\(evidence.about)")
        XCTAssertNotNil(evidence.gist)
    }

    func testAGenericHandOffIsItsOwnRuleWithItsSeverityPerChannel() throws {
        let example =
            "[channel: email | question: The Summit boots I bought last week have a split sole after two hikes. Can I get them " +
                "replaced?] Please send us a DM with more details and we'll take a look."
        let (result, findings) = try analyze(example)
        XCTAssertEqual(findings.map(\.rule), ["generic-reply"])
        XCTAssertEqual(findings.first?.severity, .info)
        XCTAssertGreaterThanOrEqual(result?.generic ?? 0, Self.semantic.settings.genericFrom)
        var config = Configuration()
        config.relevance.genericReplyChannels = ["email": .warning]
        XCTAssertEqual(try analyze(example, config: config).1.first?.severity, .warning)
        config.relevance.genericReply = .error
        XCTAssertEqual(try analyze(example.replacingOccurrences(of: "channel: email", with: "channel: social"),
                                   config: config).1.first?.severity, .error)
    }

    func testWithoutMeaningTheWordOverlapScoreStands() throws {
        var config = Configuration()
        config.relevance.semantic = false
        let (result, _) = try analyze("[question: Where is my order 48213?] Your order 48213 ships today.", config: config)
        let r = try XCTUnwrap(result)
        XCTAssertNil(r.similarity)
        XCTAssertEqual(r.score, r.overlap)
    }

    func testTheSettingsFileRefusesUnknownKeys() throws {
        let good = """
            answers: {intercept: -1, similarity: 4}
            generic: {intercept: 4, handoff_likeness: 4, log_words: -2}
            wrong_below: 0.4
            generic_from: 0.5
            handoffs: [DM us.]
            """
        let settings = try DataFile.decode(SemanticSettings.self, from: good, file: "semantic.yml")
        XCTAssertEqual(settings.answers.overlap, 0)
        XCTAssertEqual(settings.answers.chance(SemanticFeatures(similarity: 0.25, overlap: 0, handoffLikeness: 0, logWords: 0)),
                       0.5, accuracy: 1e-9)
        let misspelt = good.replacingOccurrences(of: "similarity: 4}", with: "similarty: 4}")
        XCTAssertThrowsError(try DataFile.decode(SemanticSettings.self, from: misspelt, file: "semantic.yml")) { error in
            // The loader's own rejection: the place (file:line:col) and the key it most likely meant.
            XCTAssertTrue("\(error)".hasPrefix("semantic.yml:1:"), "\(error)")
            XCTAssertTrue("\(error)".contains("unknown key “similarty”; did you mean “similarity”?"), "\(error)")
        }
        let unknownTop = good + "\nwrong_bellow: 0.3"
        XCTAssertThrowsError(try DataFile.decode(SemanticSettings.self, from: unknownTop, file: "semantic.yml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("semantic.yml:6:1:"), "\(error)")
            XCTAssertTrue("\(error)".contains("did you mean “wrong_below”?"), "\(error)")
        }
        XCTAssertThrowsError(try DataFile.decode(SemanticSettings.self,
                                                 from: good.replacingOccurrences(of: "[DM us.]", with: "[]"), file: "s.yml"))
    }

    func testTheConfigurationReadsGenericReplySeverities() throws {
        let config =
            try Configuration.parse(yaml: "relevance:\n  semantic: false\n  generic_reply: {default: warning, channels: {Email: error}}\n")
        XCTAssertFalse(config.relevance.semantic)
        XCTAssertEqual(config.relevance.genericReplySeverity(channel: "email"), .error)
        XCTAssertEqual(config.relevance.genericReplySeverity(channel: "chat"), .warning)
        XCTAssertThrowsError(try Configuration.parse(yaml: "relevance:\n  generic_reply: {default: loud}\n")) { error in
            XCTAssertTrue("\(error)".contains("2:"), "\(error)")
        }
        XCTAssertThrowsError(try Configuration.parse(yaml: "relevance:\n  semantics: true\n"))
    }
}
