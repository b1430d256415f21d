import XCTest
import NearDuplicates
import ReplyQACore
import TextAnalysis

final class ClusteringTests: XCTestCase {
    let normalizer = try! TemplateNormalizer(locator: DictionaryLocator(config: Configuration()))
    let hasher = MinHasher()

    func signature(_ text: String, names: Set<String> = []) -> ([UInt32], Int) {
        let s = MinHasher.shingles(normalizer.words(text, names: names))
        return (hasher.signature(s), s.count)
    }

    func testNormalizationRemovesWhatChangesBetweenSends() {
        XCTAssertEqual(
            normalizer.words("Hi Linda,\n\nOrder 50317 ships on 2026-11-20, see https://x.example/t/1 or call +1 555 010 2040.\n\nBest,",
                             names: ["linda"]),
                       ["order", "#", "ships", "on", "<date>", "see", "<url>", "or", "call", "<phone>"])
    }

    func testAGreetingLineIsOneOfTheSharedGreetings() {
        let body = "\nYour parcel ships today."
        // Greetings of several words count whole: "Good morning" is one, "Good news" is not.
        XCTAssertEqual(normalizer.words("Good morning Linda!" + body), ["your", "parcel", "ships", "today"])
        XCTAssertEqual(normalizer.words("Howdy," + body), ["your", "parcel", "ships", "today"])
        XCTAssertEqual(normalizer.words("Good news, Linda." + body).prefix(2), ["good", "news"])
        let own = TemplateNormalizer(common: CommonLexicon(greetings: ["ahoy"], notNames: []))
        XCTAssertEqual(own.words("Ahoy Linda," + body), ["your", "parcel", "ships", "today"])
        XCTAssertEqual(own.words("Hi Linda," + body).first, "hi")
    }

    func testOnlyTheStartOfAVeryLongTextIsShingled() {
        // Shingling all of a 20 MB paste cost a token array in its size; a macro is never that long.
        let line = "please check the tracking link for your parcel today\n"
        let long = String(repeating: line, count: 3 * ReadLimit.scalars / line.count)
        let words = normalizer.words(long)
        XCTAssertGreaterThan(words.count, 1000)
        XCTAssertLessThanOrEqual(words.count, ReadLimit.scalars / 5, "\(words.count) words of a \(long.count)-character text")
        XCTAssertEqual(words, normalizer.words(ReadLimit.prefix(of: long)))
    }

    func testSameMacroToDifferentCustomersClustersAndOtherTextsDoNot() {
        let macro =
            "To reset your password, open the app, choose Sign in, then Forgot password, and follow the link we email you. The link is " +
                "valid for 24 hours."
        let texts = [
            "Hi Linda,\n\n" + macro + "\n\nBest,",
            "Hello Omar,\n\n" + macro + "\n\nThanks,",
            "Hi Sam,\n\nSorry for the wait! " + macro + " Let me know if that works for order 48213.\n\nBest,",
            "Hi Linda,\n\nYour tent pole ships by express today and arrives on Thursday; no need to send the broken one back.",
            "Hi Linda,\n\nRefunds go back to the original card within five business days of the return reaching our warehouse.",
        ]
        let sigs = texts.map { signature($0, names: ["linda", "omar", "sam"]) }
        let clusters = NearDuplicateClusterer().clusters(sigs.map(\.0), sizes: sigs.map(\.1))
        XCTAssertEqual(clusters, [ReplyCluster(members: [0, 1, 2])])
    }

    func testSimilarityEstimatesJaccard() {
        let a = Set((0..<100).map { UInt64($0) }), b = Set((50..<150).map { UInt64($0) })
        let big = MinHasher(size: 256)
        // True Jaccard 50/150 = 0.333.
        XCTAssertEqual(MinHasher.similarity(big.signature(a), big.signature(b)), 1.0 / 3.0, accuracy: 0.08)
        XCTAssertEqual(MinHasher.similarity(big.signature(a), big.signature(a)), 1.0)
        XCTAssertEqual(MinHasher.similarity([], []), 0)
    }

    func testShortTextsAreNotSwallowedByContainment() {
        let long =
            signature("Thanks for waiting, your refund for the damaged tent has been approved and will reach your card in three days.")
        let short = signature("Thanks for waiting.")
        XCTAssertEqual(NearDuplicateClusterer().clusters([long.0, short.0], sizes: [long.1, short.1]), [])
    }
}
