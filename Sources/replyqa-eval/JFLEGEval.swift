import ArgumentParser
import Foundation
import Grammar
import ReplyQACore
import Spelling

struct JFLEGEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jfleg",
        abstract: "Spelling and grammar detection on JFLEG (dev.src, dev.spellchecked.src, dev.ref0-3, dev.ref.m2).",
        discussion: """
        Spelling, through `replyqa check` end to end (each sentence the body of an email reply): a \
        flagged source token is right when dev.spellchecked.src changes it; recall is over the tokens it changes. \
        Grammar: a finding is right when any reference edits the tokens it \
        covers (dev.ref.m2); false alarms are findings on the corrected dev.ref0 sentences.
        """)

    @Argument(help: "The jfleg-dev folder.") var path: String
    @Option(help: "Print this many examples of each kind of error.") var examples = 0
    @Option(help: "The replyqa binary (default: the one beside this program).") var replyqa: String?

    func run() throws {
        let dir = URL(fileURLWithPath: path)
        func lines(_ name: String) throws -> [String] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let src = try lines("dev.src"), spell = try lines("dev.spellchecked.src")
        let service = try SpellingService(config: Configuration())
        let flaggedBySentence = try spellingThroughCheck(src)
        var precision = Ratio(hits: 0, total: 0), recall = Ratio(hits: 0, total: 0)
        var allRecall = Ratio(hits: 0, total: 0)
        var falsePositives: [String] = [], misses: [String] = []
        for (i, line) in src.enumerated() where !line.isEmpty && i < spell.count {
            let tokens = line.split(separator: " ").map(String.init)
            let everyChange = changedPositions(tokens, spell[i].split(separator: " ").map(String.init))
            allRecall.total += everyChange.count
            allRecall.hits += everyChange.intersection(flaggedBySentence[i] ?? []).count
            // Spelling is about words: a changed token that is punctuation or glues punctuation to
            // a word ("them.", "4:they") measures the corpus's tokenizing, not a speller.
            let words = Set(tokens.indices.filter { Self.isWord(tokens[$0]) })
            let changed = everyChange.intersection(words)
            let flagged = (flaggedBySentence[i] ?? []).intersection(words)
            precision.total += flagged.count
            precision.hits += flagged.intersection(changed).count
            recall.total += changed.count
            recall.hits += changed.intersection(flagged).count
            falsePositives += flagged.subtracting(changed).map { tokens[$0] }
            misses += changed.subtracting(flagged).map { tokens[$0] }
        }
        print("spelling precision (replyqa check, end to end): \(precision)")
        print("spelling recall    (replyqa check, end to end): \(recall)")
        print("spelling recall over every changed token, punctuation included: \(allRecall)")
        if examples > 0 {
            print("  false alarms: " + falsePositives.prefix(examples).joined(separator: ", "))
            print("  misses: " + misses.prefix(examples).joined(separator: ", "))
        }
        try grammar(src: src, refs: try lines("dev.ref0"), m2: try lines("dev.ref.m2"), locator: service.locator)
    }

    /// Each source sentence as the body of an email reply (with greeting, closing and every other
    /// check as in a real run), through `replyqa check`; the tokens its spelling findings cover.
    func spellingThroughCheck(_ src: [String]) throws -> [Int: Set<Int>] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-jfleg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var sentences: [String: (Int, Detokenized)] = [:]
        for (i, line) in src.enumerated() where !line.isEmpty {
            let det = Detokenized(line)
            let name = String(format: "%04d.eml", i)
            sentences[name] = (i, det)
            let mail = "From: Maya Chen <maya@support.example>\r\nTo: Linda Park <linda@example.com>\r\nSubject: Re: Help\r\n"
                + "Message-ID: <jfleg-\(i)@support.example>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0000\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n\(det.text)\r\n"
            try mail.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let config = dir.appendingPathComponent("replyqa.yml")
        try "support_domains: [support.example]\n".write(to: config, atomically: true, encoding: .utf8)
        let output = try ReplyQACommand(path: replyqa).check([dir.path], config: config.path)
        var flagged: [Int: Set<Int>] = [:], unmapped = 0
        for reply in output.replies {
            guard let (i, det) = sentences[URL(fileURLWithPath: reply.file).lastPathComponent] else { continue }
            // The authored text is the sentence itself; map findings through where it sits.
            guard let at = reply.authored.range(of: det.text) else { unmapped += 1; continue }
            let offset = reply.authored.unicodeScalars.distance(from: reply.authored.unicodeScalars.startIndex, to: at.lowerBound)
            var tokens = Set<Int>()
            // A misspelling is caught by the spelling rules, or by a rule on that very word ("alot", "infact").
            for f in reply.findings where f.category == "spelling" || Self.wordRules.contains(f.rule) {
                tokens.formUnion(det.tokens(overlapping: Span(start: f.start - offset, end: f.end - offset)))
            }
            flagged[i] = tokens
        }
        if unmapped > 0 { print("sentences whose authored text differs from the source: \(unmapped)") }
        if output.replies.count != sentences.count { print("replies read: \(output.replies.count) of \(sentences.count)") }
        return flagged
    }

    /// Letters, with apostrophes and hyphens inside ("don't", "e-mail").
    static func isWord(_ token: String) -> Bool {
        token.contains(where: \.isLetter) && token.allSatisfy { $0.isLetter || $0 == "'" || $0 == "’" || $0 == "-" }
    }

    /// Rules about one misspelled word that take the place of the spelling finding on it.
    static let wordRules: Set<String> = ["joined-words", "uncountable-plural"]

    /// Edits per sentence: source token ranges [start, end) and the annotator who made each.
    func parseM2(_ lines: [String]) -> [[(Int, Int, Int)]] {
        var sentences: [[(Int, Int, Int)]] = []
        for line in lines {
            if line.hasPrefix("S ") { sentences.append([]) }
            else if line.hasPrefix("A "), !sentences.isEmpty {
                let fields = line.dropFirst(2).components(separatedBy: "|||")
                let range = fields[0].split(separator: " ").compactMap { Int($0) }
                if range.count == 2, range[0] >= 0, fields.count > 5, fields[1] != "noop" {
                    sentences[sentences.count - 1].append((range[0], range[1], Int(fields[5]) ?? 0))
                }
            }
        }
        return sentences
    }

    static func overlaps(_ s: Int, _ e: Int, _ a: Int, _ b: Int) -> Bool {
        s == e ? (a <= s && s <= b) : (s < b && a < e)
    }

    func grammar(src: [String], refs: [String], m2: [String], locator: DictionaryLocator) throws {
        let checker = try GrammarChecker(ruleSet: RuleSet.load(language: "en", locator: locator))
        let edits = parseM2(m2)
        var precision = Ratio(hits: 0, total: 0)
        var perRule: [String: (hit: Int, total: Int)] = [:]
        var wrong: [String] = []
        var editedTokens = 0, foundTokens = 0
        var editRecall = Ratio(hits: 0, total: 0)
        for (i, line) in src.enumerated() where !line.isEmpty && i < edits.count {
            let det = Detokenized(line)
            var covered = Set<Int>()
            var rightRanges: [(Int, Int)] = []
            for f in checker.check(det.text) where f.category == .grammar {
                let tokens = det.tokens(overlapping: f.span)
                guard let a = tokens.first, let b = tokens.last.map({ $0 + 1 }) else { continue }
                let right = edits[i].contains { s, e, _ in Self.overlaps(s, e, a, b) }
                precision.total += 1
                perRule[f.rule, default: (0, 0)].total += 1
                if right { precision.hits += 1; perRule[f.rule, default: (0, 0)].hit += 1; covered.formUnion(
                    a..<b); rightRanges.append((a, b)) }
                else if wrong.count < examples { wrong.append("[\(f.rule)] \(det.text.text(at: f.span)) in: \(det.text)") }
            }
            // Recall over edited source tokens (insertions count their neighbour).
            let edited = Set(edits[i].flatMap { s, e, _ in s == e ? [max(0, s - 1)] : Array(s..<e) })
            // Edit-level recall against the annotator it suits best, as the M2 scorer does.
            let annotators = Set(edits[i].map(\.2))
            let best = annotators.map { ann -> (Int, Int) in
                let mine = edits[i].filter { $0.2 == ann }
                return (mine.filter { s, e, _ in rightRanges.contains { Self.overlaps(s, e, $0.0, $0.1) } }.count, mine.count)
            }.max { ($0.0, -$0.1) < ($1.0, -$1.1) } ?? (0, 0)
            editRecall.hits += best.0
            editRecall.total += best.1
            editedTokens += edited.count
            foundTokens += edited.intersection(covered).count
        }
        var alarms = 0, sentences = 0
        var alarmExamples: [String] = []
        for line in refs where !line.isEmpty {
            sentences += 1
            let det = Detokenized(line)
            for f in checker.check(det.text) where f.category == .grammar {
                alarms += 1
                if alarmExamples.count < examples { alarmExamples.append("[\(f.rule)] \(det.text.text(at: f.span)) in: \(det.text)") }
            }
        }
        // Style advice (clarity, tone-fit: long sentences, "kindly", "!!!") is not what JFLEG's
        // references correct, so only findings of category grammar are scored here.
        print("grammar precision (category grammar): \(precision)")
        print("grammar recall, edits found (best annotator per sentence): \(editRecall)")
        print("grammar recall, edited tokens covered by a right finding: \(Ratio(hits: foundTokens, total: editedTokens))")
        print(String(format: "grammar false alarms on dev.ref0: %d in %d sentences = %.2f per 100 sentences", alarms, sentences,
                     Double(alarms) * 100 / Double(max(sentences, 1))))
        print("by rule (right/total): " + perRule.sorted { $0.value.total > $1.value.total }
            .map { "\($0.key) \($0.value.hit)/\($0.value.total)" }.joined(separator: ", "))
        for w in wrong { print("  not an edit: \(w)") }
        for w in alarmExamples { print("  false alarm: \(w)") }
    }
}

struct SupportConversations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support-conversations",
        abstract: "Spelling flags on real agent replies (support-conversations-dev.json).")

    @Argument(help: "The support-conversations JSON file.") var path: String
    @Option(help: "List this many of the most frequent flagged words.") var top = 40

    func run() throws {
        let conversations = try SupportConversation.load(path)
        let service = try SpellingService(config: Configuration())
        let checker = SpellingChecker(service: service)
        var words = 0, flags = 0, informal = 0
        var counts: [String: Int] = [:]
        var languages: [String: Int] = [:]
        for c in conversations {
            let text = c.agentURL.url_utterance
            let reply = Reply(file: "", messageID: nil, agent: "", channel: "social", date: nil, subject: nil, fromAddress: nil,
                              recipients: [], authored: text, signature: nil, footer: nil, quoted: nil, question: nil, attachments: [])
            languages[service.language(for: reply), default: 0] += 1
            words += text.split(whereSeparator: { $0.isWhitespace }).count
            for f in checker.check(reply, in: CheckContext(config: Configuration())) {
                if f.rule == "informal-spelling" { informal += 1; continue }
                flags += 1
                counts[text.text(at: f.span), default: 0] += 1
            }
        }
        print("agent replies: \(conversations.count), words: \(words), languages: \(languages.sorted { $0.key < $1.key })")
        print("misspelling flags: \(flags), informal spellings (pls, thx, asap...): \(informal)")
        print(String(format: "misspelling flags per 1,000 words: %.2f", Double(flags) * 1000 / Double(max(words, 1))))
        let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(top)
        print("most flagged: " + ranked.map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
    }
}
