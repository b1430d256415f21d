import Foundation
import ReplyQACore

/// JFLEG's text is tokenized ("do n't", "word ."): rebuilds normal text and remembers each
/// token's scalar span, so findings on the text map back to token indices.
struct Detokenized {
    var text: String
    var spans: [Span]

    init(_ line: String) {
        let tokens = line.split(separator: " ").map(String.init)
        var text = ""
        var spans: [Span] = []
        var length = 0
        var openQuote = false
        let attachLeft: Set<String> = [",", ".", "!", "?", ";", ":", ")", "]", "}", "%", "n't", "'s", "'re", "'ve", "'ll", "'d",
                                       "'m", "...", "'"]
        let attachRight: Set<String> = ["(", "[", "{", "$"]
        for (i, t) in tokens.enumerated() {
            var space = i > 0
            if attachLeft.contains(t.lowercased()) { space = false }
            if i > 0, attachRight.contains(tokens[i - 1]) { space = false }
            if t == "\"" {
                if openQuote { space = false }
                openQuote.toggle()
            } else if i > 0, tokens[i - 1] == "\"", openQuote { space = false }
            if space { text += " "; length += 1 }
            let n = t.unicodeScalars.count
            spans.append(Span(start: length, end: length + n))
            text += t
            length += n
        }
        self.text = text
        self.spans = spans
    }

    /// Indices of the tokens a span overlaps.
    func tokens(overlapping span: Span) -> [Int] {
        spans.indices.filter { spans[$0].start < span.end && span.start < spans[$0].end }
    }
}

/// Token positions of `a` that differ from `b`, by longest common subsequence.
func changedPositions(_ a: [String], _ b: [String]) -> Set<Int> {
    if a.count == b.count { return Set(a.indices.filter { a[$0] != b[$0] }) }
    var dp = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            dp[i][j] = a[i] == b[j] ? dp[i + 1][j + 1] + 1 : max(dp[i + 1][j], dp[i][j + 1])
        }
    }
    var kept = Set<Int>()
    var i = 0, j = 0
    while i < a.count, j < b.count {
        if a[i] == b[j] { kept.insert(i); i += 1; j += 1 }
        else if dp[i + 1][j] >= dp[i][j + 1] { i += 1 } else { j += 1 }
    }
    return Set(a.indices).subtracting(kept)
}

struct Ratio: CustomStringConvertible {
    var hits: Int, total: Int
    var value: Double { total == 0 ? 0 : Double(hits) / Double(total) }
    var description: String { String(format: "%.3f (%d/%d)", value, hits, total) }
}
