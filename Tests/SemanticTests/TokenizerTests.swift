import Foundation
import XCTest
@testable import Semantic

final class TokenizerTests: XCTestCase {
    private func tokenizer() -> WordPieceTokenizer? { Reference.encoder()?.tokenizer }

    private func pieces(_ text: String) -> [Int32] { tokenizer()?.tokenIDs(text) ?? [] }

    func testSpecialTokensFrameEveryText() {
        guard let t = tokenizer() else { return }
        XCTAssertEqual(t.encode(""), [t.clsID, t.sepID])
        XCTAssertEqual(t.encode(" \t\u{200B} "), [t.clsID, t.sepID])
        XCTAssertEqual(t.encode("[SEP]"), [t.clsID, t.sepID, t.sepID])
    }

    func testLongTextsAreCutTo256Tokens() {
        guard let t = tokenizer() else { return }
        let ids = t.encode(String(repeating: "refund ", count: 1000))
        XCTAssertEqual(ids.count, 256)
        XCTAssertEqual(ids.first, t.clsID)
        XCTAssertEqual(ids.last, t.sepID)
        XCTAssertEqual(Array(ids.dropFirst().dropLast()), Array(t.tokenIDs(String(repeating: "refund ", count: 300)).prefix(254)))
    }

    func testALongTextIsReadInPiecesWithoutChangingItsTokens() {
        guard let t = tokenizer() else { return }
        let texts = Array(repeating: Reference.cases.map(\.text), count: 8).joined()
        let whole = t.tokenIDs(texts.joined(separator: " "))
        XCTAssertEqual(whole, texts.flatMap { t.tokenIDs($0) })
        XCTAssertEqual(t.tokenIDs(texts.joined(separator: " "), limit: 1000), Array(whole.prefix(1000)))
    }

    func testAHugeReplyCostsOnlyItsFirstTokens() {
        guard let t = tokenizer() else { return }
        let huge = String(repeating: "Thanks for your patience while we look into it. ", count: 200_000)
        let start = Date()
        XCTAssertEqual(t.encode(huge).count, 256)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testCaseAndAccentsFold() {
        XCTAssertEqual(pieces("CAFÉ Crème"), pieces("cafe creme"))
        XCTAssertEqual(pieces("Cafe\u{301}"), pieces("café"))
    }

    func testPunctuationAndCJKAreWordsOfTheirOwn() {
        XCTAssertEqual(pieces("refund!"), pieces("refund !"))
        XCTAssertEqual(pieces("a$b"), pieces("a $ b"))
        XCTAssertEqual(pieces("订单"), pieces("订 单"))
        // Non-ASCII symbols are not punctuation to BERT: they stay inside the word.
        XCTAssertNotEqual(pieces("a€b"), pieces("a € b"))
    }

    func testWordsWithoutACoverAndOverlongWordsAreUnknown() {
        guard let t = tokenizer() else { return }
        XCTAssertEqual(pieces(String(repeating: "a", count: 101)), [t.unknownID])
        XCTAssertNotEqual(pieces(String(repeating: "a", count: 100)), [t.unknownID])
        XCTAssertEqual(pieces("refund\u{1F600}"), [t.unknownID])
    }

    func testWordPiecesContinueWithTheirPrefix() {
        let ids = pieces("unrefundable")
        XCTAssertGreaterThan(ids.count, 1)
        XCTAssertFalse(ids.contains(Reference.encoder()?.tokenizer.unknownID ?? -1))
    }
}
