import Foundation
import XCTest
@testable import Semantic

final class ModelFilesTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("semantic-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A safetensors file: 8-byte little-endian header length, the JSON header, the data.
    private func safetensors(header: String, data: [UInt8]) -> Data {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        return Data(bytes)
    }

    func testAMissingModelNamesTheSetupStep() throws {
        let folder = try temporaryFolder()
        XCTAssertThrowsError(try SentenceEncoder(modelDirectory: folder)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("bash .ci/install"), message)
            XCTAssertTrue(message.contains("model.safetensors"), message)
            XCTAssertTrue(message.contains(folder.path), message)
        }
    }

    func testSafeTensorsReadsShapesAndValuesInPlace() throws {
        let values: [Float] = [1, -2.5, 3, 0.125, 7, 8]
        let floats = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]},"#
            + #""ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        let url = try temporaryFolder().appendingPathComponent("t.safetensors")
        try safetensors(header: header, data: [1, 0, 0, 0, 0, 0, 0, 0] + floats).write(to: url)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file.metadata["format"], "pt")
        XCTAssertEqual(file.entries["w"]?.shape, [2, 3])
        XCTAssertEqual(file.entries["ids"]?.dtype, "I64")
        XCTAssertEqual(try file.floats("w"), values)
        XCTAssertThrowsError(try file.floats("ids"))
        XCTAssertThrowsError(try file.float32("w", shape: [3, 2]))
    }

    func testSafeTensorsCopiesUnalignedData() throws {
        // A 5-byte header puts the data at offset 13.
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = header + String(repeating: " ", count: (5 - (8 + header.utf8.count) % 4 + 4) % 4)
        let floats = [Float(1.5), -4].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let url = try temporaryFolder().appendingPathComponent("u.safetensors")
        try safetensors(header: padded, data: floats).write(to: url)
        XCTAssertEqual(try SafeTensors(contentsOf: url).floats("w"), [1.5, -4])
    }

    func testBrokenSafeTensorsAreErrors() throws {
        let folder = try temporaryFolder()
        let cases: [(String, Data)] = [
            ("short", Data([1, 2, 3])),
            ("too long header", safetensors(header: "{}", data: []).prefix(8) + Data("{".utf8)),
            ("not json", safetensors(header: "nope", data: [])),
            ("range past the end", safetensors(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [0, 0, 0, 0])),
        ]
        for (name, data) in cases {
            let url = folder.appendingPathComponent("\(name).safetensors")
            try data.write(to: url)
            XCTAssertThrowsError(try SafeTensors(contentsOf: url), name)
        }
    }
}
