import XCTest
import ReplyQACore
@testable import Grammar

/// Grammar behaviour beyond the rules' own examples (which the generic example test runs).
final class GrammarRuleTests: XCTestCase {
    static let ruleSet: RuleSet = try! RuleSet.load(language: "en", locator: DictionaryLocator(config: Configuration()))

    func testSuggestionsKeepCapitalsAndFillTemplates() throws {
        let checker = try GrammarChecker(ruleSet: Self.ruleSet)
        XCTAssertEqual(checker.check("Its covered.", only: ["its-it-is"]).first?.suggestion, "It's")
        XCTAssertEqual(checker.check("We could of sent it.", only: ["could-of"]).first?.suggestion, "could have")
        XCTAssertEqual(checker.check("Thanks alot.", only: ["joined-words"]).first?.suggestion, "a lot")
        XCTAssertEqual(checker.check("Their is a fee.", only: ["their-there"]).first?.message,
                       "Here you mean “there” (there is / there are), not “their”.")
    }

    func testBadRuleFilesGiveClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("grammar"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Configuration()
        config.dictionaries = dir.path
        let locator = DictionaryLocator(config: config)
        XCTAssertThrowsError(try RuleSet.load(language: "en", locator: locator)) { XCTAssertTrue(
            "\($0)".contains("no grammar rules for en"), "\($0)") }
        try "- id: x\n  message: m\n  pattern: [{class: nope}]\n  examples: {trigger: [], pass: []}\n"
            .write(to: dir.appendingPathComponent("grammar/en.yml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleSet.load(language: "en", locator: locator)) { XCTAssertTrue(
            "\($0)".contains("unknown word class nope"), "\($0)") }
        try "- id: x\n  pattern: [{word: a}]\n  examples: {}\n".write(to: dir.appendingPathComponent("grammar/en.yml"), atomically: true,
                                                                      encoding: .utf8)
        XCTAssertThrowsError(try RuleSet.load(language: "en", locator: locator)) { XCTAssertTrue("\($0)".contains("en.yml"), "\($0)") }
    }

    func testVowelSounds() {
        let l = Self.ruleSet.lexicon
        for w in ["hour", "honest", "apple", "SMS", "FAQ", "MRI", "8", "11", "18th", "umbrella", "X-ray"] {
            XCTAssertTrue(l.startsWithVowelSound(w), w)
        }
        for w in ["user", "one-time", "European", "USB", "unique", "university", "house", "NASA", "12", "URL"] {
            XCTAssertFalse(l.startsWithVowelSound(w), w)
        }
    }
}

final class RuleCacheTests: XCTestCase {
    func testCachedRulesMatchTheParsedOnesAndFollowEdits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("en.yml")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "- id: a\n  message: m\n  pattern: [{word: [no, on, true]}]\n  examples: {trigger: [], pass: []}\n".write(to: rules,
            atomically: true, encoding: .utf8)
        let env = ["XDG_CACHE_HOME": dir.appendingPathComponent("cache").path]
        let cache = RuleCache(files: [rules], language: "en", environment: env)
        XCTAssertNil(cache.read())
        let parsed = try DataFile.decode([GrammarRule].self, from: String(contentsOf: rules, encoding: .utf8), file: "en.yml")
        // YAML 1.1 booleans stay words.
        XCTAssertEqual(parsed[0].pattern[0].word, ["no", "on", "true"])
        cache.write(RuleCache.Content(rules: parsed, classes: ["x": ["y"]]))
        let back = try XCTUnwrap(cache.read())
        XCTAssertEqual(back.rules.map(\.id), ["a"])
        XCTAssertEqual(back.rules[0].pattern[0].word, ["no", "on", "true"])
        XCTAssertEqual(back.classes, ["x": ["y"]])
        // Editing the file changes the key: the stale cache is not used.
        try "- id: b\n  message: m\n  pattern: [{word: x}]\n  examples: {trigger: [], pass: []}\n".write(to: rules, atomically: true,
                                                                                                         encoding: .utf8)
        XCTAssertNil(RuleCache(files: [rules], language: "en", environment: env).read())
        XCTAssertNil(RuleCache(files: [rules], language: "en", environment: env.merging(["REPLYQA_NO_CACHE": "1"]) { $1 }).url)
    }
}
