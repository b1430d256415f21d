import Foundation
import ReplyQACore
import XCTest
@testable import ReplySegmentation

/// The markers are data: a folder's `segmentation/markers.yml` decides how bodies are split, and a
/// mistake in it is reported with the file, the line and the key.
final class MarkersFileTests: XCTestCase {
    static let shipped = try! String(contentsOf: DictionaryLocator(config: Configuration()).file(Markers.relativePath)!, encoding: .utf8)

    /// A dictionaries folder whose markers file is `text`.
    func folder(_ text: String) throws -> DictionaryLocator {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("markers-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("segmentation"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent(Markers.relativePath), atomically: true, encoding: .utf8)
        var config = Configuration()
        config.dictionaries = dir.path
        return DictionaryLocator(config: config, environment: [:])
    }

    func testAPhraseAddedToTheFileChangesSegmentation() throws {
        let body = "Je bestelling is verzonden.\n\nGroetjes,\nAnna de Vries\nKlantenservice"
        XCTAssertNil(Segmenter.segment(body).signature, "Dutch “groetjes” is not a sign-off of the shipped file")
        let added = Self.shipped.replacingOccurrences(of: "      fr: [cordialement,",
                                                      with: "      nl: [groetjes]\n      fr: [cordialement,")
        XCTAssertNotEqual(added, Self.shipped)
        let segmenter = Segmenter(markers: try Markers.load(locator: folder(added)))
        let s = segmenter.segment(body)
        XCTAssertEqual(s.signature, "Anna de Vries\nKlantenservice")
        XCTAssertEqual(s.authored, "Je bestelling is verzonden.\n\nGroetjes,")
    }

    func testAnUnknownKeyNamesTheFileTheLineAndTheKey() throws {
        let text = Self.shipped.replacingOccurrences(of: "    case_sensitive: true", with: "    case_sensitiv: true")
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("case_sensitiv:") }! + 1
        let locator = try folder(text)
        XCTAssertThrowsError(try Markers.load(locator: locator)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("segmentation/markers.yml:\(line):5: dash_name[0]: unknown key “case_sensitiv”"), message)
            XCTAssertTrue(message.contains("did you mean “case_sensitive”?"), message)
        }
        let misnamed = Self.shipped.replacingOccurrences(of: "\nsign_off:", with: "\nsignoff:")
        XCTAssertThrowsError(try Markers.load(locator: folder(misnamed))) { error in
            XCTAssertTrue("\(error)".contains("unknown key “signoff”; did you mean “sign_off”?"), "\(error)")
        }
    }

    func testPhrasesNeedASlotAndASlotNeedsPhrases() throws {
        let noSlot = Self.shipped.replacingOccurrences(of: "  - pattern: '^\\s*({phrases})\\s'", with: "  - pattern: '^\\s*(on)\\s'")
        XCTAssertNotEqual(noSlot, Self.shipped)
        XCTAssertThrowsError(try Markers.load(locator: folder(noSlot))) { error in
            XCTAssertTrue("\(error)".contains("on_wrote_start[0]: phrases are given but the pattern has no {phrases} slot"), "\(error)")
        }
        let noPhrases = Self.shipped.replacingOccurrences(of: "'^\\s*(_{8,}|-{8,}|={8,})\\s*$'", with: "'^\\s*({phrases})\\s*$'")
        XCTAssertNotEqual(noPhrases, Self.shipped)
        XCTAssertThrowsError(try Markers.load(locator: folder(noPhrases))) { error in
            XCTAssertTrue("\(error)".contains("separator[0]: the pattern has a {phrases} slot but no phrases"), "\(error)")
        }
    }

    func testAMissingFileIsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("markers-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Configuration()
        config.dictionaries = dir.path
        XCTAssertThrowsError(try Markers.load(locator: DictionaryLocator(config: config, environment: [:]))) { error in
            XCTAssertTrue("\(error)".contains("no segmentation markers: expected \(dir.path)/segmentation/markers.yml"), "\(error)")
        }
    }
}
