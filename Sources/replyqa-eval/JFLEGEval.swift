import ArgumentParser
import Foundation
import ReplyQACore
import Spelling

struct JFLEGEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jfleg",
        abstract: "Spelling and grammar detection on JFLEG (dev.src, dev.spellchecked.src, dev.ref0-3, dev.ref.m2).",
        discussion: """
        Spelling: a flagged source token is right when dev.spellchecked.src changes it; recall is over \
        the tokens it changes. Grammar: a finding is right when any reference edits the tokens it \
        covers (dev.ref.m2); false alarms are findings on the corrected dev.ref0 sentences.
        """)

    @Argument(help: "The jfleg-dev folder.") var path: String
    @Option(help: "Print this many examples of each kind of error.") var examples = 0

    func run() throws {
        let dir = URL(fileURLWithPath: path)
        func lines(_ name: String) throws -> [String] {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let src = try lines("dev.src"), spell = try lines("dev.spellchecked.src")
        let service = try SpellingService(config: Configuration())
        let checker = SpellingChecker(service: service)
        let speller = service.speller(for: "en_US")!
        var precision = Ratio(hits: 0, total: 0), recall = Ratio(hits: 0, total: 0)
        var falsePositives: [String] = [], misses: [String] = []
        for (i, line) in src.enumerated() where !line.isEmpty && i < spell.count {
            let tokens = line.split(separator: " ").map(String.init)
            let changed = changedPositions(tokens, spell[i].split(separator: " ").map(String.init))
            let det = Detokenized(line)
            let flagged = Set(checker.check(det.text, speller: speller).flatMap { det.tokens(overlapping: $0.span) })
            precision.total += flagged.count
            precision.hits += flagged.intersection(changed).count
            recall.total += changed.count
            recall.hits += changed.intersection(flagged).count
            falsePositives += flagged.subtracting(changed).map { tokens[$0] }
            misses += changed.subtracting(flagged).map { tokens[$0] }
        }
        print("spelling precision: \(precision)")
        print("spelling recall:    \(recall)")
        if examples > 0 {
            print("  false alarms: " + falsePositives.prefix(examples).joined(separator: ", "))
            print("  misses: " + misses.prefix(examples).joined(separator: ", "))
        }
    }
}

struct SupportConversations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support-conversations",
        abstract: "Spelling flags on real agent replies (support-conversations-dev.json).")

    @Argument(help: "The support-conversations JSON file.") var path: String
    @Option(help: "List this many of the most frequent flagged words.") var top = 40

    struct Conversation: Decodable {
        struct Agent: Decodable { var url_utterance: String }
        var agentURL: Agent
    }

    func run() throws {
        let conversations = try JSONDecoder().decode([Conversation].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
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
