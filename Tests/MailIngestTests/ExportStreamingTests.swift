import XCTest
import Foundation
import ReplyQACore
@testable import MailIngest

/// A large export is scanned record by record and its mapped pages are given back as it goes.
final class ExportStreamingTests: XCTestCase {
    func ticket(_ n: Int, padding: Int) -> String {
        let long = String(repeating: "Your parcel left the warehouse today. ", count: padding / 38)
        return #"{"id": \#(n), "requester_id": 1, "comments": [{"author_id": 1, "plain_body": "Where is parcel \#(n)?"}, "#
            + #"{"author_id": 2, "plain_body": "Parcel \#(n): \#(long)"}]}"#
    }

    func testTheScanReportsWhatItHasReadAndReadsEveryRecordOfALargeFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-stream-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tickets = (1...240).map { ticket($0, padding: 100_000) }
        for (name, text) in [("big.jsonl", tickets.joined(separator: "\n") + "\n"),
                             ("big.json", "{\"tickets\": [\n" + tickets.joined(separator: ",\n") + "\n]}\n")] {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let file = try MappedFile(path: path)
            var offsets: [Int] = []
            var records = 0
            JSONRecords.scan(file.bytes, maxRecordBytes: 1 << 20, lines: name.hasSuffix(".jsonl"), consumed: { offset in
                offsets.append(offset)
                file.release(upTo: offset)
            }) { item in
                if case .record = item { records += 1 }
            }
            XCTAssertEqual(records, 240, name)
            XCTAssertEqual(offsets, offsets.sorted(), "\(name): the scan only moves forward")
            XCTAssertGreaterThan(offsets.last ?? 0, file.bytes.count - 200_000, "\(name): it told how far it got")

            // Read through the reader, whose pages are given back every 8 MB: every reply is whole.
            var reader = HelpdeskReader(config: Configuration())
            reader.read(path: path, format: .zendesk)
            let messages = reader.messages().messages
            XCTAssertEqual(messages.count, 480, name)
            XCTAssertEqual(messages.last?.body.hasPrefix("Parcel 240: Your parcel left"), true, name)
            let long = String(repeating: "Your parcel left the warehouse today. ", count: 100_000 / 38)
            XCTAssertEqual(messages.map(\.body), (1...240).flatMap { ["Where is parcel \($0)?", "Parcel \($0): \(long)"] }, name)
        }
    }

    func testCSVRowsAreReadFromBytes() {
        let text = "\u{FEFF}id,body\r\n1,\"Grüße, \"\"Jürgen\"\"\r\nzweite Zeile\"\r\n2,naïve café ☕\n\n3,\"\"\n4,last"
        var rows: [[String]] = []
        var offsets: [Int] = []
        Data(text.utf8).withUnsafeBytes { raw in
            CSVRows.scan(raw.bindMemory(to: UInt8.self), consumed: { offsets.append($0) }, row: { rows.append($0); return true },
                         onError: { XCTFail($0) })
        }
        // A quoted field keeps its line break as written (the body is normalised later).
        XCTAssertEqual(rows, [["id", "body"], ["1", "Grüße, \"Jürgen\"\r\nzweite Zeile"], ["2", "naïve café ☕"], ["3", ""], ["4", "last"]])
        XCTAssertEqual(offsets, offsets.sorted())
        var stopped: [[String]] = []
        CSVRows.scan(Data(text.utf8), row: { stopped.append($0); return stopped.count < 2 }, onError: { _ in })
        XCTAssertEqual(stopped.count, 2, "a row handler that returns false stops the scan")
    }
}
