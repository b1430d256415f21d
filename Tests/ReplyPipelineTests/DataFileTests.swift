import ReplyQACore
import XCTest

/// The one loader of `Dictionaries/`: values read as their type asks, and every mistake named by
/// file, line and key.
final class DataFileTests: XCTestCase {
    struct Entry: Decodable, Equatable {
        var id: String
        var points: Double
        var words: [String]?
        var strict: Bool?
    }
    struct Doc: Decodable, Equatable {
        var entries: [Entry]
        var limits: [String: Int]
    }

    func decode(_ text: String) throws -> Doc { try DataFile.decode(Doc.self, from: text, file: "x.yml") }

    func testScalarsAreReadAsTheirTypeAsks() throws {
        let doc = try decode("entries:\n  - {id: no, points: 2.5, words: [on, 12, true], strict: true}\nlimits: {max: 3}\n")
        XCTAssertEqual(doc, Doc(entries: [Entry(id: "no", points: 2.5, words: ["on", "12", "true"], strict: true)], limits: ["max": 3]))
        XCTAssertEqual(try decode("entries:\n  - {id: a, points: 1, words: ~}\nlimits: {}\n").entries[0].words, nil)
    }

    func testAnUnknownKeyIsAnErrorWithItsLine() {
        let text = "entries:\n  - id: a\n    points: 1\n  - id: b\n    pionts: 2\n    points: 2\nlimits: {}\n"
        XCTAssertThrowsError(try decode(text)) { error in
            XCTAssertEqual("\(error)", "x.yml:5:5: entries[1]: unknown key “pionts”; did you mean “points”?")
        }
        XCTAssertThrowsError(try decode("entries: []\nlimits: {}\ncomment: hi\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:3:1: unknown key “comment” (known here: entries, limits)")
        }
    }

    func testWrongTypesAndMissingKeysNameTheirPlace() {
        XCTAssertThrowsError(try decode("entries:\n  - {id: a, points: lots}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:2:21: entries[0].points: expected a number, found “lots”")
        }
        XCTAssertThrowsError(try decode("entries:\n  - {id: a, points: 1, strict: yes}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:2:32: entries[0].strict: expected true or false, found “yes”")
        }
        XCTAssertThrowsError(try decode("entries:\n  - {id: a}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:2:5: entries[0]: the key “points” is missing")
        }
        XCTAssertThrowsError(try decode("entries:\n  - {id: a, point: 1}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:2:13: entries[0]: unknown key “point”; did you mean “points”?")
        }
        XCTAssertThrowsError(try decode("entries:\n  - {id: a, score: 1}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:2:13: entries[0]: unknown key “score” (and the key “points” is missing)")
        }
        XCTAssertThrowsError(try decode("entries: {id: a}\nlimits: {}\n")) { error in
            XCTAssertEqual("\(error)", "x.yml:1:10: entries: expected a list, found a mapping (key: value)")
        }
    }

    func testBrokenYAMLAndDuplicateKeys() {
        XCTAssertThrowsError(try decode("entries: [\nlimits: {}\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("x.yml:"), "\(error)")
        }
        XCTAssertThrowsError(try decode("entries: []\nlimits: {}\nlimits: {}\n")) { error in
            XCTAssertTrue("\(error)".contains("“limits” appears twice"), "\(error)")
        }
        XCTAssertThrowsError(try decode("")) { XCTAssertEqual("\($0)", "x.yml: the file is empty") }
    }

    /// A type's own check (an invalid enum value) is placed at its node too.
    func testATypesOwnErrorIsPlaced() {
        struct Rule: Decodable { var category: Category }
        let text = "- category: empathy\n- category: kindness\n"
        XCTAssertThrowsError(try DataFile.decode([Rule].self, from: text, file: "r.yml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("r.yml:2:13: [1].category: "), "\(error)")
        }
    }
}
