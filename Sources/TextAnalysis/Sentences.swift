import ReplyQACore

/// A sentence (or a line that stands alone, such as a greeting), as a range of tokens.
public struct Sentence: Sendable, Equatable {
    public var tokens: Range<Int>
    public var span: Span
    public init(tokens: Range<Int>, span: Span) { self.tokens = tokens; self.span = span }
}

/// Splits a token stream into sentences: after `.`, `!`, `?` (not after abbreviations), at blank
/// lines, and at line breaks after a comma or colon (greetings, closes) or before a list item.
public enum SentenceSplitter {
    static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "approx", "inc", "ltd",
                                             "jr", "sr", "no", "nr", "dept", "est", "fig", "ca", "co", "corp", "jan", "feb",
                                             "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]

    public static func split(_ tokens: [Token]) -> [Sentence] {
        var sentences: [Sentence] = []
        var start = 0
        func close(_ end: Int) {
            guard end > start else { return }
            sentences.append(Sentence(tokens: start..<end, span: Span(start: tokens[start].span.start, end: tokens[end - 1].span.end)))
            start = end
        }
        func listItem(_ k: Int) -> Bool {
            let t = tokens[k]
            return t.text == "-" || t.text == "*" || t.text == "•"
                || (t.kind == .number && k + 1 < tokens.count && tokens[k + 1].text == ".")
        }
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if i > start {
                let previous = tokens[i - 1]
                if t.newlinesBefore >= 2 { close(i) }
                else if t.newlinesBefore == 1 {
                    if listItem(start) || listItem(i) || [",", ":", ";", ".", "!", "?", ")"].contains(previous.text)
                        || previous.kind != .word && previous.kind != .number {
                        close(i)
                    }
                }
            }
            if t.kind == .punctuation, t.text == "." || t.text == "!" || t.text == "?" || t.text == "…" {
                var j = i + 1
                // Runs of end marks and closing quotes or brackets stay with the sentence.
                while j < tokens.count, tokens[j].kind == .punctuation, tokens[j].newlinesBefore == 0,
                      ".!?…\"'”’)]".contains(tokens[j].text) { j += 1 }
                let isAbbreviation = t.text == "." && i > 0 && tokens[i - 1].isWord && !tokens[i].spaceBefore
                    && (abbreviations.contains(tokens[i - 1].normalized)
                        || (tokens[i - 1].text.count == 1 && j < tokens.count && tokens[j].text.count == 1 && tokens[j].isWord)
                        || (tokens[i - 1].text.count == 1 && i >= 2 && tokens[i - 2].text == "." && !tokens[i - 1].spaceBefore))
                if !isAbbreviation, j >= tokens.count || tokens[j].spaceBefore {
                    close(j)
                    i = j
                    continue
                }
            }
            i += 1
        }
        close(tokens.count)
        return sentences
    }
}
