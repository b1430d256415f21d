import XCTest
import Foundation
@testable import Reports

/// What `--out` may replace: only the files ReplyQA wrote, per the folder's manifest; written
/// through links, and in place where the folder itself cannot be renamed.
final class ReportFolderTests: XCTestCase {
    let marker = (file: "report.json", text: "\"replyqa.report/")
    func files(_ run: Int) -> [(String, Data)] {
        [("report.json", Data("{\"schema\" : \"replyqa.report/1\", \"run\": \(run)}".utf8)), ("index.html", Data("run \(run)".utf8)),
         ("agents/a.html", Data("agent \(run)".utf8))] + (run == 1 ? [("old-only.csv", Data("x".utf8))] : [])
    }

    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-out-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    func testSHA256() {
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data(String(repeating: "a", count: 1000).utf8)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testOnlyAnUnchangedEarlierOutputIsReplaced() throws {
        let out = try folder().appendingPathComponent("report")
        try ReportWriter.write(files(1), to: out.path, marker: marker)
        let manifest = try XCTUnwrap(Manifest.read(in: out))
        XCTAssertEqual(manifest.files.map(\.path), ["agents/a.html", "index.html", "old-only.csv", "report.json"])
        try ReportWriter.write(files(2), to: out.path, marker: marker)
        XCTAssertEqual(try text(out.appendingPathComponent("index.html")), "run 2")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("old-only.csv").path))
        // A file someone added, or changed, keeps the folder from being replaced.
        try Data("mine".utf8).write(to: out.appendingPathComponent("agents/notes.md"))
        XCTAssertThrowsError(try ReportWriter.write(files(3), to: out.path, marker: marker)) {
            XCTAssertTrue("\($0)".contains("(agents/notes.md)"), "\($0)")
        }
        try FileManager.default.removeItem(at: out.appendingPathComponent("agents/notes.md"))
        try Data("edited".utf8).write(to: out.appendingPathComponent("index.html"))
        XCTAssertThrowsError(try ReportWriter.write(files(3), to: out.path, marker: marker))
        XCTAssertEqual(try text(out.appendingPathComponent("index.html")), "edited")
        // A manifest of another kind of output (a sample folder) does not count.
        XCTAssertThrowsError(try ReportWriter.write(files(3), to: out.path, marker: ("manifest.csv", "stratum")))
    }

    func testAForgedMarkerIsNotEnough() throws {
        let out = try folder()
        try Data("{\"schema\":\"replyqa.report/1\"}".utf8).write(to: out.appendingPathComponent("report.json"))
        try Data("thesis".utf8).write(to: out.appendingPathComponent("thesis.tex"))
        XCTAssertThrowsError(try ReportWriter.write(files(1), to: out.path, marker: marker)) {
            XCTAssertTrue("\($0)".contains("was not written by ReplyQA"), "\($0)")
        }
        XCTAssertEqual(try text(out.appendingPathComponent("thesis.tex")), "thesis")
    }

    func testALinkIsWrittenThrough() throws {
        let parent = try folder()
        let real = parent.appendingPathComponent("real")
        try FileManager.default.createSymbolicLink(atPath: parent.appendingPathComponent("link").path, withDestinationPath: "real")
        try ReportWriter.write(files(1), to: parent.appendingPathComponent("link").path, marker: marker)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: parent.appendingPathComponent("link").path), "real")
        XCTAssertEqual(try text(real.appendingPathComponent("index.html")), "run 1")
    }

    /// The swap used at a mount point, exercised on an ordinary folder.
    func testInPlaceWriteSwapsContentsAndSurvivesAnInterruption() throws {
        let out = try folder()
        // The manifest comes from writing the files.
        let all = { (run: Int) -> [OutputFile] in self.files(run).map { OutputFile(path: $0.0, data: $0.1) } }
        try ReportWriter.writeInPlace(all(1), into: out, beforeSwap: {})
        try ReportWriter.checkReplaceable(out, marker: marker)
        struct Interrupted: Error {}
        XCTAssertThrowsError(try ReportWriter.writeInPlace(all(2), into: out, beforeSwap: { throw Interrupted() }))
        XCTAssertEqual(try text(out.appendingPathComponent("index.html")), "run 1")
        // Killed halfway: some new files moved in, the new manifest still in the temporary folder.
        let temp = out.appendingPathComponent(".replyqa-tmp-killed")
        try ReportWriter.writeFiles(all(2), into: temp)
        try FileManager.default.removeItem(at: out.appendingPathComponent("index.html"))
        try FileManager.default.moveItem(at: temp.appendingPathComponent("index.html"), to: out.appendingPathComponent("index.html"))
        try ReportWriter.checkReplaceable(out, marker: marker)
        try ReportWriter.writeInPlace(all(2), into: out, beforeSwap: {})
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
                       [".replyqa-manifest", "agents", "index.html", "report.json"])
        XCTAssertEqual(try text(out.appendingPathComponent("agents/a.html")), "agent 2")
        XCTAssertEqual(try XCTUnwrap(Manifest.read(in: out)), Manifest(files(2)))
    }

    func testBidiControlsAreShownAsCodes() {
        XCTAssertEqual(HTMLPages.showingBidiControls("<td>\u{202E}gnp.exe</td>"), "<td>[U+202E]gnp.exe</td>")
        XCTAssertEqual(HTMLPages.showingBidiControls("\u{2066}a\u{2069} b\u{200F}"), "[U+2066]a[U+2069] b\u{200F}")
        XCTAssertEqual(HTMLPages.showingBidiControls("שלום Ann"), "שלום Ann", "right-to-left text itself is left alone")
    }
}
