import Foundation
import ReplyQACore
import TextAnalysis

extension ToneAnalyzer {
    /// The cues' pass over a reply's sentences: every cue reads every sentence it applies to, and
    /// each match becomes evidence, weighed by what the reply around it says.
    struct CueScan {
        let analyzer: ToneAnalyzer
        let input: ToneInput
        let lines: [Line]
        let original: ScalarOffsets
        let questionTerms: Set<String>
        let startLines: Set<Int>
        /// The end of a reply that was not read to its end is unknown: no cue reads it.
        let endLines: Set<Int>
        private(set) var evidence: [ToneEvidence] = []
        var repeats: [String: Int] = [:]
        /// Evidence by line: a cue's match lies in one sentence, so only that sentence's evidence can overlap it.
        var evidenceInLine: [Int: [Int]] = [:]
        /// What a match asks of its sentence, computed once per sentence: a sentence may be long.
        var lineTerms: [Int: Set<String>] = [:], lineKeys: [Int: String] = [:]

        init(analyzer: ToneAnalyzer, input: ToneInput, lines: [Line], body: [Int], original: ScalarOffsets) {
            self.analyzer = analyzer; self.input = input; self.lines = lines; self.original = original
            questionTerms = input.question.map { analyzer.terms($0, names: input.names) } ?? []
            endLines = input.truncated ? [] : Set(body.suffix(3) + lines.indices.filter { lines[$0].isSignOff })
            startLines = Set(body.prefix(2) + lines.indices.filter { lines[$0].isGreeting })
        }

        mutating func run() {
            for compiled in analyzer.cues {
                for index in lines.indices where reads(compiled, index) { scan(compiled, index) }
            }
        }

        /// Whether the cue reads this sentence: its mood, its place in the reply, its `unless` and
        /// (for several patterns) one search for any of them.
        func reads(_ compiled: CompiledCue, _ index: Int) -> Bool {
            let cue = compiled.cue, line = lines[index]
            // A sign-off ("Kind regards,") is read by the closing cues only.
            if line.isSignOff, cue.dimension != .closing { return false }
            switch cue.mood ?? .any {
            case .statement where line.isQuestion, .question where !line.isQuestion: return false
            default: break
            }
            switch cue.position ?? .any {
            case .end where !endLines.contains(index), .start where !startLines.contains(index): return false
            default: break
            }
            let whole = NSRange(location: 0, length: (line.text as NSString).length)
            if compiled.unless.contains(where: { $0.firstMatch(in: line.text, range: whole) != nil }) { return false }
            if let any = compiled.any, any.firstMatch(in: line.text, range: whole) == nil { return false }
            return true
        }

        mutating func scan(_ compiled: CompiledCue, _ index: Int) {
            let cue = compiled.cue, line = lines[index]
            let ns = line.text as NSString
            let whole = NSRange(location: 0, length: ns.length)
            var relieved: Bool? = nil
            for pattern in compiled.patterns {
                for m in pattern.matches(in: line.text, range: whole) where m.range.length > 0 {
                    if cue.negation ?? true, analyzer.negated(ns, m.range) { continue }
                    guard let span = ToneAnalyzer.span(of: m.range, in: line), !counted(cue, span, in: index) else { continue }
                    let n = repeats[cue.id, default: 0]
                    repeats[cue.id] = n + 1
                    var (points, notes) = weigh(compiled, repeat: n, line: index, relieved: &relieved)
                    if let register = cue.register { points *= ToneAnalyzer.registerFactor(register, input.policy.formality ?? .neutral) }
                    evidenceInLine[index, default: []].append(evidence.count)
                    evidence.append(ToneEvidence(dimension: cue.dimension, cue: cue.id, span: span, text: original.text(at: span),
                                                 points: ToneAnalyzer.round(points), note: notes.isEmpty
                                                     ? nil : notes.joined(separator: "; ")))
                }
            }
        }

        /// One phrase counts once per dimension: the first (most specific) cue wins. Politeness
        /// cues are independent features (as in the politeness corpus's classifier) and add up.
        func counted(_ cue: ToneCue, _ span: Span, in index: Int) -> Bool {
            (evidenceInLine[index] ?? []).contains { k in
                let e = evidence[k]
                return (e.cue == cue.id || (e.dimension == cue.dimension && cue.dimension != .politeness))
                    && e.span.start < span.end && span.start < e.span.end
            }
        }

        /// A match's points and why they are less than the cue's: repeated, stock, boilerplate, not
        /// about the customer's issue, or (a loss) balanced by what can be done.
        mutating func weigh(_ compiled: CompiledCue, repeat n: Int, line index: Int, relieved: inout Bool?) -> (Double, [String]) {
            let cue = compiled.cue
            var points = cue.points
            var notes: [String] = []
            if n > 0 { points /= Double(1 << min(n, 8)); notes.append("repeated") }
            if points > 0 {
                if cue.stock == true { points /= 2; notes.append("stock phrase") }
                if let count = input.sentenceReplies[key(of: index)], count >= analyzer.lexicon.boilerplateReplies {
                    points /= 3; notes.append("boilerplate: in \(count) replies of the batch")
                }
                if cue.tied == true, !questionTerms.isEmpty {
                    var near = terms(of: index)
                    if index + 1 < lines.count { near.formUnion(terms(of: index + 1)) }
                    if near.isDisjoint(with: questionTerms) { points /= 2; notes.append("not tied to the customer's issue") }
                }
            } else if points < 0, !compiled.relief.isEmpty {
                if relieved == nil { relieved = isRelieved(compiled, index) }
                if relieved == true { points /= 2; notes.append("balanced by what can be done") }
            }
            return (points, notes)
        }

        /// Whether the sentence or the next says what can be done (a cue's `relief`).
        func isRelieved(_ compiled: CompiledCue, _ index: Int) -> Bool {
            let next = index + 1 < lines.count ? [lines[index + 1].text] : []
            return ([lines[index].text] + next).contains { t in
                compiled.relief.contains { $0.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) != nil }
            }
        }

        mutating func terms(of k: Int) -> Set<String> {
            if let t = lineTerms[k] { return t }
            let t = analyzer.terms(lines[k].text, names: input.names)
            lineTerms[k] = t
            return t
        }

        mutating func key(of k: Int) -> String {
            if let key = lineKeys[k] { return key }
            let key = ToneAnalyzer.normalizedSentence(lines[k].text)
            lineKeys[k] = key
            return key
        }
    }
}
