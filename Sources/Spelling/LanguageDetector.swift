import Foundation
import ReplyQACore

/// Guesses a text's language from its function words (`Dictionaries/languages/<code>.txt`).
public struct LanguageDetector: Sendable {
    let lists: [(code: String, words: Set<String>)]

    public init(locator: DictionaryLocator) {
        lists = locator.files(in: "languages", ext: "txt").map {
            ($0.deletingPathExtension().lastPathComponent, Set(DictionaryLocator.wordList($0).map { $0.lowercased() }))
        }
    }

    /// The two-letter code of the language with clearly the most function words, or nil if unsure.
    public func detect(_ text: String) -> String? {
        guard !lists.isEmpty else { return nil }
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" })
        guard words.count >= 4 else { return nil }
        let scores = lists.map { list in (list.code, words.filter { list.words.contains(String($0)) }.count) }
            .sorted { $0.1 > $1.1 }
        guard let best = scores.first, best.1 >= 3 else { return nil }
        if scores.count > 1, Double(scores[1].1) * 1.5 >= Double(best.1) { return nil }
        return best.0
    }
}
