import XCTest
import ReplyQACore
import TextAnalysis

/// Data pasted into a reply (base64, hex dumps, binary) is found without a dictionary; prose,
/// links, hashes and ids are not taken for it.
final class NonLanguageTests: XCTestCase {
    static let base64Block = """
        JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURl
        Y29kZT4+CnN0cmVhbQp4nCvkMlAwUDA1MQBRxaUpQDGJpUWlKvVKJvb1cBc2VudCBhIHJlcGx5
        IHdpdGggYW4gYXR0YWNobWVudCBwYXN0ZWQgaW50byBpdCwgd2hpY2ggaXMgbm90IGxhbmd1YWdl
        ZQo=
        """

    static let hexDump = """
        00000000  25 50 44 46 2d 31 2e 34  0a 25 c3 a4 c3 bc c3 b6  |%PDF-1.4.%......|
        00000010  c3 9f 0a 32 20 30 20 6f  62 6a 0a 3c 3c 2f 4c 65  |...2 0 obj.<</Le|
        00000020  6e 67 74 68 20 33 20 30  20 52 2f 46 69 6c 74 65  |ngth 3 0 R/Filte|
        """

    func kinds(_ text: String) -> [NonLanguageZone.Kind] { NonLanguage.zones(in: text).map(\.kind) }

    func testBase64BlockIsOneZoneCoveringEveryLine() throws {
        let text = "Hi Linda, here is the file:\n\n" + Self.base64Block + "\n\nThanks for your patience!"
        let zones = NonLanguage.zones(in: text)
        XCTAssertEqual(zones.map(\.kind), [.base64])
        let zone = try XCTUnwrap(zones.first)
        XCTAssertEqual(text.text(at: zone.span), Self.base64Block)
    }

    func testHexDumpIsOneZone() throws {
        let text = "The log shows:\n" + Self.hexDump + "\nCan you send it again?"
        let zones = NonLanguage.zones(in: text)
        XCTAssertEqual(zones.map(\.kind), [.hexDump])
        let covered = text.text(at: try XCTUnwrap(zones.first).span)
        XCTAssertTrue(covered.hasPrefix("00000000  25 50"), covered)
        XCTAssertTrue(covered.hasSuffix("|ngth 3 0 R/Filte|"), covered)
    }

    func testBinaryReadAsTextIsAZone() {
        // Bytes of a binary file decoded as UTF-8: replacement characters, controls and symbols.
        var rng = SeededRandom(seed: 3)
        let bytes = (0..<600).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.filter { $0 != 0 }
        let text = "Hi Linda,\n" + String(decoding: bytes, as: UTF8.self) + "\nBest regards,\nMaya"
        // One zone: the few clean-looking pieces inside the blob do not split it.
        XCTAssertEqual(kinds(text), [.binary], "\(NonLanguage.zones(in: text))")
    }

    func testProseLinksHashesAndIdsAreLanguage() {
        for text in [
            "Hi Linda, I'm so sorry the pole snapped. A replacement ships today; it should arrive by Friday.",
            "See https://example.com/orders/a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ/details?ref=mail and reply.",
            "Your receipt hash is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
            "Open /usr/lib/x86_64-linux-gnu/libhunspell-1.7.so.0 and C:\\Users\\Linda\\Downloads\\invoice.pdf",
            "Pneumonoultramicroscopicsilicovolcanoconiosis is a long word, and so is Donaudampfschifffahrtsgesellschaft.",
            "A bad cafe, a dead beef, a faded facade: fed, add, bead, deed, decade, ebb, cab, dab.",
            "I'm sorry 😞😞 that's awful!!! -- see you :-) ... *** === ---",
            "Order #50317, ticket TCK-1234, tracking 1Z999AA10123456784, code X7K2-9QPL-44ZD.",
        ] {
            XCTAssertEqual(NonLanguage.zones(in: text), [], text)
        }
    }

    func testRunsOfNonWords() {
        let k = NonLanguage.WordStatus.known, u = NonLanguage.WordStatus.unknown, n = NonLanguage.WordStatus.neutral
        // Twelve unknown words with single known words between them are a run; the run ends at two known words.
        let words: [NonLanguage.WordStatus] = [k, k] + [u, u, k, u, u, n, u, u, u, k, u, u, u, u, u] + [k, k, u]
        XCTAssertEqual(NonLanguage.nonWordRuns(words), [2...16])
        // English with typos: known words come in pairs.
        let prose = (0..<40).flatMap { _ in [k, k, u, k, k, n] }
        XCTAssertEqual(NonLanguage.nonWordRuns(prose), [])
        XCTAssertEqual(NonLanguage.nonWordRuns(Array(repeating: u, count: 11)), [], "too short")
    }

    func testReadLimitCutsAtALineBreak() {
        let line = String(repeating: "word ", count: 19) + "ends\n"   // 100 scalars a line
        let text = String(repeating: line, count: 30)
        XCTAssertEqual(ReadLimit.prefix(of: text, limit: 5000), text)
        XCTAssertFalse(ReadLimit.exceeds(text, limit: 3000))
        XCTAssertTrue(ReadLimit.exceeds(text, limit: 2999))
        let cut = ReadLimit.prefix(of: text, limit: 1050)
        XCTAssertEqual(cut, String(String(repeating: line, count: 10).dropLast()), "cut at the last line break before the limit")
        XCTAssertTrue(text.hasPrefix(cut))
        // No line break near the limit: a space, else the limit itself.
        let flat = String(repeating: "abcdefghi ", count: 300)
        XCTAssertEqual(ReadLimit.prefix(of: flat, limit: 1005), String(flat.prefix(999)), "cut at the last space")
        XCTAssertEqual(ReadLimit.prefix(of: String(repeating: "x", count: 3000), limit: 1000).count, 1000)
    }
}

/// Offsets convert through a table built once, with the same results as walking the string.
final class ScalarOffsetsTests: XCTestCase {
    func naive(_ s: String, _ span: Span) -> String {
        let scalars = Array(s.unicodeScalars)
        let lo = max(0, min(span.start, scalars.count)), hi = max(lo, min(span.end, scalars.count))
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars[lo..<hi])
        return String(v)
    }

    func testConversionsMatchWalking() {
        let pieces = ["Hi Linda, ", "café ", "naïve ", "👍🏽 ", "e\u{301} ", "日本語 ", "“quoted” ", "plain ascii text "]
        var rng = SeededRandom(seed: 11)
        for length in [0, 5, 40, 3000] {
            var s = ""
            while s.unicodeScalars.count < length { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let table = ScalarOffsets(s)
            let count = s.unicodeScalars.count
            XCTAssertEqual(table.count, count)
            for _ in 0..<200 {
                let a = Int(rng.next() % UInt64(count + 3)), b = a + Int(rng.next() % 40)
                let span = Span(start: a, end: b)
                XCTAssertEqual(table.text(at: span), naive(s, span), "\(span)")
                XCTAssertEqual(s.text(at: span), naive(s, span), "\(span)")
                let lo = min(a, count)
                let index = s.unicodeScalars.index(s.unicodeScalars.startIndex, offsetBy: lo)
                XCTAssertEqual(table.offset(of: index), lo)
                let hi = min(b, count)
                let end = s.unicodeScalars.index(s.unicodeScalars.startIndex, offsetBy: hi)
                XCTAssertEqual(s.span(of: index..<end), Span(start: lo, end: hi))
            }
        }
    }

    func testManyLookUpsInALongTextStayCheap() {
        // A finding per line of a long text: each look-up must not walk from the start.
        let text = String(repeating: "Ça va très bien, merci 👍 — and the pole ships today.\n", count: 40_000)
        let length = text.unicodeScalars.count
        let start = Date()
        var total = 0
        for k in 0..<20_000 { total += text.text(at: Span(start: length - 1 - k * 50, end: length - k * 50)).unicodeScalars.count }
        XCTAssertEqual(total, 20_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "walking 2 MB per look-up takes minutes")
    }
}
