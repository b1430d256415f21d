import Foundation
import XCTest
@testable import Semantic

final class ForwardPassTests: XCTestCase {
    /// The GELU's error function stays within a few float ulps of the exact one everywhere.
    func testErfIsExactToFloatPrecision() {
        var worst: Double = 0
        var x: Float = -8
        while x <= 8 {
            worst = max(worst, abs(Double(MiniLM.erf(x)) - Foundation.erf(Double(x))))
            x += 1.0 / 4096
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(MiniLM.erf(0), 0)
        XCTAssertEqual(MiniLM.erf(20), 1, accuracy: 1e-7)
        XCTAssertEqual(MiniLM.erf(-20), -1, accuracy: 1e-7)
    }

    func testEmptyAndWhitespaceTextsStillGetUnitVectors() {
        guard let encoder = Reference.encoder() else { return }
        let vectors = encoder.encode(["", "   ", "\u{200B}"])
        for v in vectors {
            XCTAssertEqual(v.count, encoder.dimension)
            XCTAssertEqual(v.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        }
        XCTAssertEqual(encoder.encode([String]()), [])
    }
}
