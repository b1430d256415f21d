import XCTest
import ReplyQACore
import TextAnalysis
@testable import Tone

/// Long replies: the tone checker reads the start only, says nothing of an end it did not read,
/// and its helpers look at a window around a match instead of the whole sentence.
final class ToneLimitsTests: XCTestCase {
    static let checker = ToneRuleTests.checker

    func testTheLastWordsBeforeAMatchAreTheSameFromAWindow() {
        var rng = SeededRandom(seed: 9)
        let words = ["I", "don't", "not", "never", "can't", "we", "are", "sorry", "Linda’s", "pole", "isn't", "x",
                     "supercalifragilisticexpialidocious", "—", "😞"]
        var text = ""
        for _ in 0..<3000 { text += words[Int(rng.next() % UInt64(words.count))] + (rng.next() % 7 == 0 ? ", " : " ") }
        let ns = text as NSString
        for _ in 0..<300 {
            var location = Int(rng.next() % UInt64(ns.length))
            // A match starts on a character, never inside an emoji's surrogate pair.
            if (0xDC00...0xDFFF).contains(ns.character(at: location)) { location -= 1 }
            let whole = ns.substring(to: location).lowercased().split { !$0.isLetter && $0 != "'" }.suffix(3).map(String.init)
            XCTAssertEqual(ToneAnalyzer.lastWords(ns, before: location, 3), whole, "at \(location)")
        }
    }

    func testQuotesAreMaskedAsBefore() {
        // The masking rule, written the slow way: a quote masks only when it closes on its line.
        func slow(_ text: String) -> String {
            var out = String.UnicodeScalarView()
            var inQuote: Unicode.Scalar? = nil
            var lineStart = true, quotedLine = false
            let s = Array(text.unicodeScalars)
            for (i, c) in s.enumerated() {
                if c == "\n" { out.append(c); lineStart = true; quotedLine = false; inQuote = nil; continue }
                if lineStart, c != " " { quotedLine = c == ">"; lineStart = false }
                if quotedLine { out.append(" "); continue }
                if let q = inQuote {
                    if (q == "“" && c == "”") || (q == "\"" && c == "\"") { inQuote = nil }
                    out.append(" "); continue
                }
                if c == "“" || c == "\"" {
                    let close: Unicode.Scalar = c == "“" ? "”" : "\""
                    if s[(i + 1)...].prefix(while: { $0 != "\n" }).contains(close) { inQuote = c; out.append(" "); continue }
                }
                out.append(c)
            }
            return String(out)
        }
        var rng = SeededRandom(seed: 4)
        let pieces = ["word ", "“", "”", "\"", "\n", "> ", " ", "é", "👍"]
        for _ in 0..<200 {
            let text = (0..<60).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            XCTAssertEqual(ToneAnalyzer.maskQuotes(text), slow(text), text)
        }
    }

    func testALongReplyIsScoredOnItsStartAndNotBlamedForItsEnd() {
        let sentence = "The replacement pole ships today and should arrive by Friday. "
        let body = String(repeating: sentence + "\n", count: ReadLimit.scalars / sentence.count + 100)
        let reply = ToneChecker.exampleReply("Hi Linda,\n\n" + body + "\nThanks for your patience!\n\nBest regards,\nMaya")
        XCTAssertTrue(ReadLimit.exceeds(reply.authored))
        let context = CheckContext(config: Configuration())
        let started = Date()
        let result = Self.checker.profile(reply, in: context)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        XCTAssertTrue(result.evidence.allSatisfy { $0.span.end <= ReadLimit.scalars }, "only the start is read")
        XCTAssertTrue(result.evidence.contains { $0.cue == "greeting-by-name" })
        XCTAssertFalse(result.evidence.contains { $0.cue == "missing-closing" || $0.cue == "sign-off" }, "the end was not read")
        XCTAssertFalse(Self.checker.check(reply, in: context).contains { $0.rule == "missing-closing" })
    }

    func testEvidenceInAVeryLongSentenceKeepsItsPlace() {
        // No sentence end for 50,000 words, emoji among them: offsets must stay exact without walking from the start.
        let filler = String(repeating: "and the pole 👍 ships ", count: 10_000)
        let text = "Hi Linda, " + filler + "but I can't say when, as I already told you"
        let started = Date()
        let result = Self.checker.analyzer.analyze(ToneInput(text: text, names: ["linda"]))
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        let blame = result.evidence.filter { $0.cue == "blame" }
        XCTAssertEqual(blame.map(\.text), ["as I already told you"])
        XCTAssertEqual(blame.first.map { text.text(at: $0.span) }, "as I already told you")
        XCTAssertEqual(result.evidence.filter { $0.cue == "emoji" }.count, 10_000)
    }
}
