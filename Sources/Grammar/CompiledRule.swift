import Foundation
import ReplyQACore
import TextAnalysis

/// A rule with its regular expressions compiled, ready to match token streams.
struct CompiledRule: @unchecked Sendable {
    let rule: GrammarRule
    let lexicon: Lexicon
    private var regexes: [ObjectIdentifier: NSRegularExpression] = [:]

    init(_ rule: GrammarRule, lexicon: Lexicon) throws {
        self.rule = rule
        self.lexicon = lexicon
        var elements = rule.pattern
        if let e = rule.notAfter { elements.append(e) }
        if let e = rule.notBefore { elements.append(e) }
        var all: [TokenElement] = []
        while let e = elements.popLast() {
            all.append(e)
            if let n = e.not { elements.append(n) }
            if let p = e.previous { elements.append(p) }
        }
        for e in all {
            if let r = e.regex {
                if let why = PatternCheck.backtrackingRisk(r) { throw DataFileError(description: "rule \(rule.id): regex \(r): \(why)") }
                do { regexes[ObjectIdentifier(e)] = try NSRegularExpression(pattern: "^(?:\(r))$") }
                catch { throw DataFileError(description: "rule \(rule.id): bad regex \(r)") }
            }
        }
        if let b = rule.builtin, !Builtins.names.contains(b) {
            throw DataFileError(
                description: "rule \(rule.id): unknown builtin \(b) (known: \(Builtins.names.sorted().joined(separator: ", ")))")
        }
    }

    func findings(in a: Analysis) -> [Finding] {
        if let builtin = rule.builtin { return Builtins.run(builtin, rule: rule, analysis: a) }
        return a.sentences.flatMap { findings(in: a, sentence: $0) }
    }

    /// The sentence's findings, left to right; after a finding the scan resumes past its last
    /// matched token, so matches do not overlap.
    func findings(in a: Analysis, sentence: Sentence) -> [Finding] {
        var result: [Finding] = []
        var i = sentence.tokens.lowerBound
        while i < sentence.tokens.upperBound {
            if let matched = match(a, sentence: sentence, element: 0, at: i, captured: []),
               let f = finding(a, matched, sentence: sentence) {
                result.append(f)
                i = (matched.last { $0 >= 0 } ?? i) + 1
                continue
            }
            i += 1
        }
        return result
    }

    /// Backtracking match; `captured[k]` is the token index of element k, or -1 when an optional
    /// element matched nothing.
    func match(_ a: Analysis, sentence: Sentence, element k: Int, at i: Int, captured: [Int]) -> [Int]? {
        if k == rule.pattern.count { return captured }
        let e = rule.pattern[k]
        if i < sentence.tokens.upperBound, matches(e, a, i, sentence: sentence, captured: captured),
           let m = match(a, sentence: sentence, element: k + 1, at: i + 1, captured: captured + [i]) {
            return m
        }
        if e.optional == true { return match(a, sentence: sentence, element: k + 1, at: i, captured: captured + [-1]) }
        return nil
    }

    func matches(_ e: TokenElement, _ a: Analysis, _ i: Int, sentence: Sentence, captured: [Int]) -> Bool {
        let t = a.tokens[i]
        let norm = t.normalized
        if let kind = e.kind {
            switch (kind, t.kind) {
            case ("word", .word), ("number", .number), ("punct", .punctuation), ("skipped", .skipped), ("any", _): break
            default: return false
            }
        } else if e.wordClass != nil, case .punctuation = t.kind {
            return false
        }
        if let words = e.word, !words.contains(norm) { return false }
        if let r = regexes[ObjectIdentifier(e)] {
            // A regex reads the token's text alone, so its answer is the same for every token with that
            // text: asked once per text and element, not once per token and rule position.
            let key = RegexMemo.Key(element: ObjectIdentifier(e), text: t.text)
            let hit: Bool
            if let known = a.memo.results[key] { hit = known } else {
                hit = r.firstMatch(in: t.text, range: NSRange(location: 0, length: t.text.utf16.count)) != nil
                a.memo.results[key] = hit
            }
            if !hit { return false }
        }
        // Sound classes read the original spelling (an SMS, a USB); the others the lower-cased word.
        if let classes = e.wordClass, !classes.contains(where: { lexicon.contains($0.hasSuffix("-sound") ? t.text : norm, in: $0) }) {
            return false
        }
        if let c = e.textCase {
            let letters = t.text.filter(\.isLetter)
            switch c {
            case "lower": if letters.isEmpty || letters.first!.isUppercase { return false }
            case "upper": if letters.count < 2 || letters.contains(where: \.isLowercase) { return false }
            case "capitalized": if letters.first?.isUppercase != true { return false }
            default: return false
            }
        }
        if let s = e.spaceBefore, t.spaceBefore != s { return false }
        if let n = e.newlineBefore, (t.newlinesBefore > 0) != n { return false }
        if let s = e.sentenceStart, (i == sentence.tokens.lowerBound) != s { return false }
        if let s = e.sentenceEnd, (i == sentence.tokens.upperBound - 1) != s { return false }
        if let same = e.sameAs {
            guard same < captured.count, captured[same] >= 0, a.tokens[captured[same]].normalized == norm else { return false }
        }
        if let n = e.not, matches(n, a, i, sentence: sentence, captured: captured) { return false }
        if let p = e.previous {
            guard i > 0 else { return false }
            let whole = Sentence(tokens: 0..<a.tokens.count, span: Span(start: 0, end: 0))
            if !matches(p, a, i - 1, sentence: whole, captured: []) { return false }
        }
        return true
    }

    func finding(_ a: Analysis, _ captured: [Int], sentence: Sentence) -> Finding? {
        let present = captured.filter { $0 >= 0 }
        guard let first = present.first, let last = present.last else { return nil }
        if let e = rule.notAfter, first > sentence.tokens.lowerBound,
            matches(e, a, first - 1, sentence: sentence, captured: captured) { return nil }
        if let e = rule.notBefore, last + 1 < sentence.tokens.upperBound,
            matches(e, a, last + 1, sentence: sentence, captured: captured) { return nil }
        let lo = rule.mark.map { captured[$0[0]] } ?? first
        let hi = rule.mark.map { captured[$0[$0.count - 1]] } ?? last
        guard lo >= 0, hi >= lo else { return nil }
        let span = Span(start: a.tokens[lo].span.start, end: a.tokens[hi].span.end)
        let marked = a.text.text(at: span)
        func fill(_ template: String) -> String {
            var out = template
            for (k, index) in captured.enumerated() {
                out = out.replacingOccurrences(of: "{\(k)}", with: index >= 0 ? a.tokens[index].text : "")
            }
            return out.replacingOccurrences(of: "  ", with: " ")
        }
        var suggestion = rule.suggestions?[marked.lowercased().replacingOccurrences(of: "’", with: "'")] ?? rule.suggestion.map(fill)
        // Keep the writer's capital: "Its" -> "It's", "Their is" -> "There is".
        if var s = suggestion, let f = marked.first, f.isUppercase, let g = s.first, g.isLowercase {
            s.replaceSubrange(s.startIndex...s.startIndex, with: String(g).uppercased())
            suggestion = s
        }
        return Finding(category: rule.category, rule: rule.id, severity: rule.severity, span: span,
                       message: fill(rule.message), suggestion: suggestion)
    }
}
