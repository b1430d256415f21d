import ArgumentParser
import Foundation
import ReplyQACore
import Tone

struct ToneLabelsEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tone-labels",
        abstract: "Empathy, ownership and blame detectors against hand-labelled agent sentences of support-conversations-dev.json.",
        discussion: """
            The labels (Tests/Evaluation/support-tone-labels.tsv) name sentences by conversation and sentence \
            number, with a checksum of the sentence's text; Tests/Evaluation/README.md is the labelling guideline. \
            Precision is measured over every labelled sentence; recall over the `random` part of the sample only \
            (the `pooled` part was drawn because a detector fired, which would inflate recall). \
            `--draw N` prints a new sample to label instead: every sentence where a detector fires plus N random ones.
            """)

    @Argument(help: "The support-conversations JSON file.") var path: String
    @Option(help: "The labels file.") var labels = "Tests/Evaluation/support-tone-labels.tsv"
    @Option(help: "Draw a new sample with this many random sentences (printed as TSV with the text).") var draw: Int?
    @Option(help: "Random seed for --draw.") var seed: UInt64 = 11
    @Flag(help: "List every disagreement.") var verbose = false

    static let detectors = ["empathy", "ownership", "blame"]

    /// Which detectors fire on each sentence of a reply.
    struct Sentence {
        var conversation: Int
        var index: Int
        var text: String
        var fired: Set<String>
        var checksum: String { Self.fnv(ToneAnalyzer.normalizedSentence(text)) }
        static func fnv(_ s: String) -> String {
            var h: UInt32 = 2166136261
            for b in s.utf8 { h = (h ^ UInt32(b)) &* 16777619 }
            return String(format: "%08x", h)
        }
    }

    static func sentences(_ conversations: [SupportConversation], analyzer: ToneAnalyzer) -> [Sentence] {
        let social = ToneOptions().policy(for: "social")
        var out: [Sentence] = []
        for (c, conversation) in conversations.enumerated() {
            let text = conversation.reply
            let result = analyzer.analyze(ToneInput(text: text, question: conversation.customerText, policy: social))
            for (i, span) in analyzer.sentenceSpans(text).enumerated() {
                let inside = result.evidence.filter { $0.span.start >= span.start && $0.span.start < span.end }
                var fired = Set<String>()
                if inside.contains(where: { $0.dimension == .empathy && $0.points > 0 }) { fired.insert("empathy") }
                if inside.contains(where: { $0.dimension == .ownership && $0.points > 0
                    && $0.cue != "concrete-time" }) { fired.insert("ownership") }
                if inside.contains(where: { $0.dimension == .patience && $0.points < 0 }) { fired.insert("blame") }
                out.append(Sentence(conversation: c, index: i, text: text.text(at: span), fired: fired))
            }
        }
        return out
    }

    func run() throws {
        let conversations = try SupportConversation.load(path)
        let analyzer = try ToneAnalyzer(lexicon: ToneLexicon.load(language: "en", locator: DictionaryLocator(config: Configuration())))
        let all = Self.sentences(conversations, analyzer: analyzer)
        if let draw { return printSample(all, random: draw) }

        let rows = try String(contentsOfFile: labels, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first else { throw ValidationError("\(labels) is empty") }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw ValidationError("\(labels): no column \(name)") }
            return i
        }
        let (cc, sc, hc, mc) = (try column("conversation"), try column("sentence"), try column("checksum"), try column("sample"))
        let dc = try Self.detectors.map(column)
        let rc = header.firstIndex(of: "round")
        var byKey: [String: Sentence] = [:]
        for s in all { byKey["\(s.conversation)/\(s.index)"] = s }
        let labelled = rows.dropFirst().filter { $0.count > dc.max()! }
        let rounds = Set(labelled.compactMap { r in rc.map { r[$0] } }).sorted()
        // Each labelling round drawn after the detectors were last tuned is an honest check.
        for round in rounds.count > 1 ? rounds : [] {
            print("round \(round):")
            report(labelled.filter { $0[rc!] == round }, byKey: byKey, columns: (cc, sc, hc, mc, dc), indent: "  ")
        }
        if rounds.count > 1 { print("all rounds:") }
        report(Array(labelled), byKey: byKey, columns: (cc, sc, hc, mc, dc), indent: rounds.count > 1 ? "  " : "")
    }

    func report(_ rows: [[String]], byKey: [String: Sentence], columns: (Int, Int, Int, Int, [Int]), indent: String) {
        let (cc, sc, hc, mc, dc) = columns
        var tp = [String: Int](), fp = [String: Int](), fnRandom = [String: Int](), tpRandom = [String: Int](), positives = [String: Int]()
        var labelled = 0, randomCount = 0, mismatched = 0
        for r in rows {
            guard let s = byKey["\(r[cc])/\(r[sc])"], s.checksum == r[hc] else { mismatched += 1; continue }
            labelled += 1
            let random = r[mc] == "random"
            if random { randomCount += 1 }
            for (k, name) in Self.detectors.enumerated() {
                let truth = r[dc[k]] == "1", fired = s.fired.contains(name)
                if truth { positives[name, default: 0] += 1 }
                if fired && truth { tp[name, default: 0] += 1 }
                if fired && !truth { fp[name, default: 0] += 1; if verbose { print("false \(name): \(s.text)") } }
                if random && truth && fired { tpRandom[name, default: 0] += 1 }
                if random && truth && !fired { fnRandom[name, default: 0] += 1; if verbose { print("missed \(name): \(s.text)") } }
                if !random && truth && !fired && verbose { print("missed \(name) (pooled): \(s.text)") }
            }
        }
        print(indent
            + "labelled sentences: \(labelled) " +
                "(\(randomCount) drawn at random, \(labelled - randomCount) pooled where a detector fired); \(mismatched) labels no " +
                    "longer match the corpus")
        for name in Self.detectors {
            let t = tp[name, default: 0], f = fp[name, default: 0]
            let rt = tpRandom[name, default: 0], rf = fnRandom[name, default: 0]
            print(indent + String(format: "%@: precision %.3f (%d/%d); recall on the random sample %.3f (%d/%d); labelled positives %d",
                         name, Double(t) / Double(max(1, t + f)), t, t + f, Double(rt) / Double(max(1, rt + rf)), rt, rt + rf,
                             positives[name, default: 0]))
        }
    }

    func printSample(_ all: [Sentence], random count: Int) {
        var rng = SeededRandom(seed: seed)
        // The random part is drawn from every sentence, so recall measured on it is unbiased; the
        // pooled part adds the other sentences where a detector fires, for precision.
        let random = Array(all.indices.filter { all[$0].text.contains(where: \.isLetter) }.shuffled(using: &rng).prefix(count))
        let drawn = Set(random)
        let pooled = all.indices.filter { !all[$0].fired.isEmpty && !drawn.contains($0) }
        var picks = pooled.map { ($0, "pooled") } + random.map { ($0, "random") }
        picks.shuffle(using: &rng)
        print((["conversation", "sentence", "checksum", "sample"] + Self.detectors + ["text"]).joined(separator: "\t"))
        for (i, sample) in picks {
            let s = all[i]
            let flat = s.text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
            print("\(s.conversation)\t\(s.index)\t\(s.checksum)\t\(sample)\t\t\t\t\(flat)")
        }
    }
}
