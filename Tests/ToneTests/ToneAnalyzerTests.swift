import XCTest
import ReplyQACore
@testable import Tone

final class ToneAnalyzerTests: XCTestCase {
    static let analyzer = ToneRuleTests.checker.analyzer
    let question = "My new Ridgeline tent pole snapped on the first trip and I'm really upset."

    func analyze(_ text: String, question: String? = nil, channel: String = "email", config: Configuration = Configuration(),
                 sentenceReplies: [String: Int] = [:]) -> ToneResult {
        Self.analyzer.analyze(ToneInput(text: text, question: question, policy: config.tone.policy(for: channel),
                                        names: ["linda", "park"], sentenceReplies: sentenceReplies))
    }

    func evidence(_ r: ToneResult, _ cue: String) -> [ToneEvidence] { r.evidence.filter { $0.cue == cue } }

    func testEmpathyTiedToTheIssueEarnsMoreThanGenericEmpathy() {
        let tied = analyze("Hi Linda,\nI'm so sorry your tent pole snapped on the first trip.", question: question)
        let generic = analyze("Hi Linda,\nI'm so sorry about that.", question: question)
        XCTAssertEqual(evidence(tied, "acknowledge-feelings").first?.points, 40)
        XCTAssertEqual(evidence(generic, "acknowledge-feelings").first?.points, 20)
        XCTAssertEqual(evidence(generic, "acknowledge-feelings").first?.note, "not tied to the customer's issue")
        XCTAssertGreaterThan(tied.dimensions["empathy"]!, generic.dimensions["empathy"]!)
    }

    func testStuffingStockEmpathyDoesNotMaxOutTheScore() {
        let stuffed = analyze(String(repeating: "I understand your frustration. ", count: 8), question: question)
        let points = evidence(stuffed, "stock-empathy").map(\.points)
        XCTAssertEqual(points.count, 8)
        XCTAssertEqual(points.first, 10, "a stock phrase earns half")
        XCTAssertTrue(zip(points, points.dropFirst()).allSatisfy { $0 > $1 }, "each repeat earns less: \(points)")
        XCTAssertLessThan(stuffed.dimensions["empathy"]!, 60)
        let genuine = analyze("I'm so sorry your pole snapped, that must have been frustrating on the first trip.", question: question)
        XCTAssertGreaterThan(genuine.dimensions["empathy"]!, stuffed.dimensions["empathy"]! + 20)
    }

    func testBoilerplateAcrossTheBatchEarnsAThird() {
        let text = "I'm so sorry your tent pole snapped."
        let alone = analyze(text, question: question)
        let key = ToneAnalyzer.normalizedSentence(text)
        let common = analyze(text, question: question, sentenceReplies: [key: 5])
        XCTAssertEqual(evidence(alone, "acknowledge-feelings").first?.points, 40)
        XCTAssertEqual(evidence(common, "acknowledge-feelings").first?.points, 13.3)
        XCTAssertEqual(evidence(common, "acknowledge-feelings").first?.note, "boilerplate: in 5 replies of the batch")
    }

    func testNegationAndScope() {
        XCTAssertTrue(evidence(analyze("I don't understand how frustrating that is."), "acknowledge-feelings").isEmpty)
        XCTAssertTrue(evidence(analyze("No problem at all, the new pole ships today."), "negative-phrasing").isEmpty)
        XCTAssertEqual(evidence(analyze("We can't ship it."), "negative-phrasing").map(\.text), ["can't"])
        // Balanced by what can be done: the cost halves.
        XCTAssertEqual(evidence(analyze("We can't ship it today, but I'll send it first thing tomorrow."), "negative-phrasing")
            .first?.points, -6)
        // Questions are not commitments.
        XCTAssertTrue(evidence(analyze("Will I send it today?"), "commits-to-act").isEmpty)
    }

    func testQuotedCustomerWordsAreNeverScored() {
        let quoted = analyze("You wrote “this is ridiculous, calm down your staff” and I hear you.\n> As I already told you, it's broken.")
        XCTAssertTrue(quoted.evidence.filter { $0.dimension == .patience }.isEmpty, "\(quoted.evidence)")
        let own = analyze("This is ridiculous, calm down.")
        XCTAssertEqual(evidence(own, "hostility").count, 2)
    }

    func testChannelPoliciesDecideAboutEmojiGreetingAndRegister() {
        let text = "Glad it's sorted 🙂 lol"
        let email = analyze(text, channel: "email")
        let social = analyze(text, channel: "social")
        XCTAssertEqual(evidence(email, "emoji").first?.points, -15)
        XCTAssertEqual(evidence(social, "emoji").first?.points, 0)
        XCTAssertEqual(evidence(email, "missing-greeting").count, 1)
        XCTAssertEqual(evidence(social, "missing-greeting").count, 0)
        // Chatty words cost little on a casual channel, more on a neutral one.
        XCTAssertEqual(evidence(social, "chatty-wording").first?.points, -2)
        XCTAssertEqual(evidence(email, "chatty-wording").first?.points, -8)
        XCTAssertGreaterThan(social.dimensions["tone-fit"]!, email.dimensions["tone-fit"]!)

        // A configured policy wins: emoji allowed on email, formal tone.
        var config = Configuration()
        config.tone.channels["email"] = ChannelPolicy(emoji: .allowed, formality: .formal)
        let relaxed = analyze(text, channel: "email", config: config)
        XCTAssertEqual(evidence(relaxed, "emoji").first?.points, 0)
        XCTAssertEqual(evidence(relaxed, "chatty-wording").first?.points, -12)
        XCTAssertEqual(relaxed.policy.greeting, .required, "unset settings come from the default policy")
    }

    func testConfigurationReadsTonePolicies() throws {
        let config = try Configuration.parse(yaml: """
            tone:
              default: {emoji: allowed}
              channels:
                chat: {formality: formal, closing: optional}
                sms: {emoji: forbidden, greeting: optional}
            """)
        XCTAssertEqual(config.tone.policy(for: "email").emoji, .allowed)
        XCTAssertEqual(config.tone.policy(for: "chat"),
                       ChannelPolicy(emoji: .forbidden, formality: .formal, greeting: .required, closing: .optional))
        XCTAssertEqual(config.tone.policy(for: "sms"),
                       ChannelPolicy(emoji: .forbidden, formality: .neutral, greeting: .optional, closing: .required))
        XCTAssertEqual(config.tone.policy(for: "social").emoji, .allowed)
        XCTAssertThrowsError(try Configuration.parse(yaml: "tone:\n  default: {emoji: sometimes}\n"))
    }

    func testLabels() {
        let warm =
            analyze("Hi Linda,\n\nI'm so sorry your tent pole snapped on the first trip. I've sent a new pole today, and it arrives by " +
                "Friday.\n\nIs there anything else I can help with?\n\nBest regards,", question: question)
        XCTAssertEqual(warm.label, .warm, "\(warm.dimensions) \(warm.reasons)")
        let hostile = analyze("Calm down. As I already told you, it's your fault.", question: question)
        XCTAssertEqual(hostile.label, .hostile)
        XCTAssertTrue(hostile.reasons.contains { $0.contains("hostility") }, "\(hostile.reasons)")
        let curt = analyze("Orders ship in 5 days.", question: question)
        XCTAssertEqual(curt.label, .curt, "\(curt.reasons)")
        XCTAssertEqual(Array(curt.reasons.prefix(2)), ["no greeting", "no closing"])
        // Where the channel makes greeting and closing optional (social), their absence is no reason for "curt".
        let social = analyze("Orders ship in 5 days.", question: question, channel: "social")
        XCTAssertNotEqual(social.label, .curt, "\(social.reasons)")
        XCTAssertFalse(social.reasons.contains { $0 == "no greeting" || $0 == "no closing" }, "\(social.reasons)")
        XCTAssertTrue(evidence(social, "missing-greeting").isEmpty && evidence(social, "missing-closing").isEmpty)
        let robotic =
            analyze("Hi Linda,\nThank you for contacting us. We apologize for any inconvenience. Your email is important to us.\nRegards,",
                    question: question)
        XCTAssertEqual(robotic.label, .robotic, "\(robotic.reasons)")
    }

    func testGreetingsAndClosings() {
        XCTAssertEqual(evidence(analyze("Hi Linda, the pole ships today."), "greeting-by-name").map(\.text), ["Hi Linda"])
        XCTAssertEqual(evidence(analyze("Hi there,\nThe pole ships today."), "greeting").count, 1)
        XCTAssertEqual(evidence(analyze("Linda, I'm sorry about the pole."), "greeting-by-name").map(\.text), ["Linda,"])
        let signed = analyze("Hi Linda,\nThe pole ships today.\n\nBest regards,")
        XCTAssertEqual(evidence(signed, "sign-off").map(\.text), ["Best regards,"])
        XCTAssertTrue(evidence(signed, "missing-closing").isEmpty)
        // Cues other than closing ones do not read the sign-off ("Kind regards" is not a compliment).
        XCTAssertTrue(evidence(analyze("Hi Linda,\nThe pole ships today.\n\nKind regards,"), "positive-words").isEmpty)
    }

    func testShoutingAndWallsOfText() {
        XCTAssertEqual(evidence(analyze("You MUST NOT wash the tent. Track it with USPS."), "shouting").map(\.text), ["MUST NOT"])
        // Acronyms of three letters or fewer are not shouting, alone or in a list.
        XCTAssertTrue(evidence(analyze("Please share your OS, CPU, RAM and GPU. Is it an SSD?"), "shouting").isEmpty)
        XCTAssertEqual(evidence(analyze("DO NOT DO THAT."), "shouting").map(\.text), ["DO NOT DO THAT"])
        let wall = analyze(String(repeating: "The pole ships today and arrives soon. ", count: 20))
        XCTAssertEqual(evidence(wall, "wall-of-text").count, 1)
        XCTAssertLessThan(wall.dimensions["clarity"]!, 90)
    }

    func testReadability() {
        XCTAssertEqual(ToneAnalyzer.syllableCount("cat"), 1)
        XCTAssertEqual(ToneAnalyzer.syllableCount("document"), 3)
        XCTAssertEqual(ToneAnalyzer.syllableCount("table"), 2)
        let easy = ToneAnalyzer.readability(["The pole ships today.", "It will be there soon."])
        let hard =
            ToneAnalyzer.readability(
                ["Notwithstanding the aforementioned considerations, reimbursement eligibility necessitates comprehensive documentation " +
                    "substantiating the manufacturing irregularity."])
        XCTAssertGreaterThan(easy.fleschReadingEase, 80)
        XCTAssertLessThan(hard.fleschReadingEase, 0)
        XCTAssertGreaterThan(hard.gradeLevel, 18)
        XCTAssertEqual(easy.words, 9)
        XCTAssertEqual(easy.sentences, 2)
    }

    /// What the built-in checks earn and where the label's thresholds lie are the lexicon's, not the code's.
    func testBuiltinPointsAndLabelThresholdsComeFromTheLexicon() throws {
        var lexicon = Self.analyzer.lexicon
        let text = "Hi Linda,\nI'm so sorry your tent pole snapped. A new pole ships today. Thanks for your patience!"
        func run(_ analyzer: ToneAnalyzer) -> ToneResult {
            analyzer.analyze(ToneInput(text: text, question: question, names: ["linda", "park"]))
        }
        let shipped = run(Self.analyzer)
        XCTAssertEqual(evidence(shipped, "greeting-by-name").first?.points, lexicon.builtins.greeting.byName)
        XCTAssertEqual(shipped.label, .warm)
        lexicon.builtins.greeting.byName = 5
        lexicon.labels.warm.empathy = 101
        let edited = run(try ToneAnalyzer(lexicon: lexicon))
        XCTAssertEqual(evidence(edited, "greeting-by-name").first?.points, 5)
        XCTAssertLessThan(edited.dimensions["greeting"]!, shipped.dimensions["greeting"]!)
        XCTAssertNotEqual(edited.label, .warm, "no empathy score reaches 101")
    }

    func testBadLexiconsGiveClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tone-\(UUID())")
        for folder in ["tone", "common"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Configuration()
        config.dictionaries = dir.path
        let locator = DictionaryLocator(config: config, environment: [:])
        XCTAssertThrowsError(try ToneLexicon.load(language: "en", locator: locator)) { XCTAssertTrue(
            "\($0)".contains("no tone lexicon for en"), "\($0)") }
        // The shipped lexicon up to its cues, with one cue of ours.
        let shipped = DictionaryLocator(config: Configuration())
        let tone = try String(contentsOf: shipped.file("tone/en.yml")!, encoding: .utf8)
        let base = String(tone[..<tone.range(of: "\ncues:\n")!.lowerBound]) + "\n"
        let common = try String(contentsOf: shipped.file("common/en.yml")!, encoding: .utf8)
        let cue = "  - {id: x, dimension: empathy, points: 1, patterns: ['(unclosed'], description: d, examples: {trigger: [], pass: []}}\n"
        let file = dir.appendingPathComponent("tone/en.yml")
        try (base + "cues:\n" + cue).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ToneLexicon.load(language: "en", locator: locator)) {
            XCTAssertTrue("\($0)".contains("no common word list for en"), "\($0)")
        }
        try common.write(to: dir.appendingPathComponent("common/en.yml"), atomically: true, encoding: .utf8)
        let lexicon = try ToneLexicon.load(language: "en", locator: locator)
        XCTAssertEqual(lexicon.common.greetings.first, "hi")
        XCTAssertThrowsError(try ToneAnalyzer(lexicon: lexicon)) { XCTAssertTrue(
            "\($0)".contains("tone cue x: bad regular expression"), "\($0)") }
        let unknownDimension = cue.replacingOccurrences(of: "empathy", with: "kindness")
        try (base + "cues:\n" + unknownDimension).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ToneLexicon.load(language: "en", locator: locator)) {
            XCTAssertTrue("\($0)".contains("\(file.path):"), "\($0)")
            XCTAssertTrue("\($0)".contains("cues[0].dimension"), "\($0)")
        }
        // Greeting words moved to common/en.yml: a lexicon that still lists them is told so, by line.
        try (base + "greetings: [hi]\ncues:\n" + cue).write(to: file, atomically: true, encoding: .utf8)
        let line = (base + "greetings").components(separatedBy: "\n").count
        XCTAssertThrowsError(try ToneLexicon.load(language: "en", locator: locator)) {
            XCTAssertTrue("\($0)".contains("\(file.path):\(line):1: unknown key “greetings”"), "\($0)")
        }
        // A built-in's points are data too, and every one is required.
        try (base.replacingOccurrences(of: "shouting: {first: -20, further: -10}", with: "shouting: {first: -20}") + "cues:\n" + cue)
            .write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ToneLexicon.load(language: "en", locator: locator)) {
            XCTAssertTrue("\($0)".contains("builtins.shouting: the key “further” is missing"), "\($0)")
        }
    }
}
