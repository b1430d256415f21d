import ReplyQACore
import TextAnalysis

/// Checks that are easier to write as code than as token patterns; rule files name them.
enum Builtins {
    static let names: Set<String> = ["unbalanced-brackets", "unbalanced-quotes", "long-sentence"]

    static func run(_ name: String, rule: GrammarRule, analysis a: Analysis) -> [Finding] {
        switch name {
        case "unbalanced-brackets": return brackets(rule, a)
        case "unbalanced-quotes": return quotes(rule, a)
        case "long-sentence": return longSentences(rule, a)
        default: return []
        }
    }

    static func finding(_ rule: GrammarRule, _ span: Span, _ message: String? = nil) -> Finding {
        Finding(category: rule.category, rule: rule.id, severity: rule.severity, span: span, message: message ?? rule.message,
                suggestion: nil)
    }

    /// Emoticons and list markers use brackets without a partner: ":)", ":-(", "1)", "a)".
    static func isEmoticonOrMarker(_ a: Analysis, _ i: Int) -> Bool {
        let t = a.tokens[i]
        if i > 0, !t.spaceBefore, [":", ";", "=", "-", "8"].contains(a.tokens[i - 1].text) { return true }
        if t.text == ")", i > 0, (i == 1 || a.tokens[i - 1].newlinesBefore > 0 || i - 1 == 0),
            a.tokens[i - 1].text.count <= 2 { return true }
        // A numbered or lettered item inside a line, as social replies write lists: "1) restart 2) update".
        if t.text == ")", i > 0, !t.spaceBefore, i + 1 == a.tokens.count || a.tokens[i + 1].spaceBefore {
            let marker = a.tokens[i - 1]
            let short = marker.kind == .number ? marker.text.count <= 2 : marker.isWord && marker.text.count == 1
            if short, i == 1 || marker.spaceBefore || [":", ","].contains(a.tokens[i - 2].text) { return true }
        }
        return false
    }

    /// Per paragraph, every "(" "[" "{" needs its partner, in order.
    static func brackets(_ rule: GrammarRule, _ a: Analysis) -> [Finding] {
        let pairs: [String: String] = [")": "(", "]": "[", "}": "{"]
        var findings: [Finding] = []
        var stack: [Int] = []
        func flush() {
            for i in stack { findings.append(finding(rule, a.tokens[i].span, "“\(a.tokens[i].text)” is never closed.")) }
            stack.removeAll()
        }
        for (i, t) in a.tokens.enumerated() {
            if t.newlinesBefore >= 2 { flush() }
            guard t.kind == .punctuation else { continue }
            if ["(", "[", "{"].contains(t.text) {
                if !(i + 1 < a.tokens.count && isEmoticonOrMarker(a, i)) { stack.append(i) }
            } else if let open = pairs[t.text] {
                if let last = stack.last, a.tokens[last].text == open { stack.removeLast() }
                else if !isEmoticonOrMarker(a, i) { findings.append(finding(rule, t.span, "“\(t.text)” has no opening “\(open)”.")) }
            }
        }
        flush()
        return findings
    }

    /// Per paragraph, straight double quotes come in pairs and curly ones open before they close.
    static func quotes(_ rule: GrammarRule, _ a: Analysis) -> [Finding] {
        var findings: [Finding] = []
        var straight: [Int] = []
        var curly: [Int] = []
        func flush() {
            if straight.count % 2 == 1, let last = straight.last {
                findings.append(finding(rule, a.tokens[last].span, "This quotation mark has no partner."))
            }
            for i in curly { findings.append(finding(rule, a.tokens[i].span, "“ is never closed with ”.")) }
            straight.removeAll(); curly.removeAll()
        }
        for (i, t) in a.tokens.enumerated() {
            if t.newlinesBefore >= 2 { flush() }
            switch t.text {
            case "\"": straight.append(i)
            case "“": curly.append(i)
            case "”":
                if curly.popLast() == nil { findings.append(finding(rule, t.span, "” closes a quotation that was never opened with “.")) }
            default: break
            }
        }
        flush()
        return findings
    }

    /// Sentences longer than `max_words` words are hard to follow.
    static func longSentences(_ rule: GrammarRule, _ a: Analysis) -> [Finding] {
        let limit = rule.parameters["max_words"] ?? 40
        return a.sentences.compactMap { s in
            let words = s.tokens.filter { a.tokens[$0].kind != .punctuation }.count
            guard words > limit else { return nil }
            return finding(rule, s.span, "This sentence has \(words) words; split it (aim for at most \(limit)).")
        }
    }
}
