import ArgumentParser
import Foundation
import ReplyQACore
import Tone

struct PolitenessEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "politeness",
        abstract: "Politeness on the Stanford Politeness Corpus (politeness-wikipedia.csv), with the corpus's own protocol.",
        discussion: """
            Requests in the top quartile of `Normalized Score` are polite, those in the bottom quartile impolite; \
            a request is classified polite when its politeness score is above 50. Reports the accuracy over both \
            quartiles and over two halves of them (even and odd row numbers), which shows whether the weights \
            carry over. `--features FILE` writes each request's cue counts and class, for refitting the weights.
            """)

    @Argument(help: "The politeness CSV file.") var path: String
    @Option(help: "Write a TSV of cue counts per request (quartile requests only).") var features: String?
    @Option(help: "Show this many misclassified requests of each class.") var examples = 0

    func run() throws {
        let rows = try CSV.parse(String(contentsOfFile: path, encoding: .utf8))
        guard let header = rows.first, let textColumn = header.firstIndex(of: "Request"),
              let scoreColumn = header.firstIndex(of: "Normalized Score") else {
            throw ValidationError("\(path): expected the columns Request and Normalized Score")
        }
        let items = rows.dropFirst().compactMap { r -> (String, Double)? in
            guard r.count > max(textColumn, scoreColumn), let s =
                Double(r[scoreColumn].trimmingCharacters(in: .whitespaces)) else { return nil }
            return (r[textColumn], s)
        }
        let sorted = items.map(\.1).sorted()
        let q1 = sorted[sorted.count / 4], q3 = sorted[sorted.count * 3 / 4]
        let analyzer = try ToneAnalyzer(lexicon: ToneLexicon.load(language: "en", locator: DictionaryLocator(config: Configuration())))
        let cueIDs = analyzer.lexicon.cues.filter { $0.dimension == .politeness }.map(\.id)
        var table = ["class\t" + cueIDs.joined(separator: "\t")]
        var right = [0, 0], total = [0, 0], halfRight = [0, 0], halfTotal = [0, 0]
        var wrong: [(Bool, String, Int)] = []
        // The blame and hostility cues, read against the same quartiles: where they fire, the request should be impolite.
        var blame = [0, 0], blameExamples: [String] = []
        for (index, (text, score)) in items.enumerated() {
            let polite: Bool
            if score >= q3 { polite = true } else if score <= q1 { polite = false } else { continue }
            let result = analyzer.analyze(ToneInput(text: text))
            let predicted = (result.dimensions["politeness"] ?? 50) > 50
            let k = polite ? 0 : 1
            total[k] += 1; halfTotal[index % 2] += 1
            if predicted == polite { right[k] += 1; halfRight[index % 2] += 1 } else { wrong.append(
                (polite, text, result.dimensions["politeness"] ?? 50)) }
            if result.evidence.contains(where: { $0.dimension == .patience && $0.points < 0 }) {
                blame[k] += 1
                if polite { blameExamples.append(text) }
            }
            if features != nil {
                let counts = cueIDs.map { id in result.evidence.filter { $0.cue == id }.count }
                table.append("\(polite ? 1 : 0)\t" + counts.map(String.init).joined(separator: "\t"))
            }
        }
        if let features { try (table.joined(separator: "\n") + "\n").write(toFile: features, atomically: true, encoding: .utf8) }
        for polite in [true, false] {
            for w in wrong.filter({ $0.0 == polite }).prefix(examples) {
                print("\(polite ? "polite, scored" : "impolite, scored") \(w.2): \(w.1.prefix(160))")
            }
        }
        let n = total[0] + total[1], r = right[0] + right[1]
        print("requests: \(items.count); top quartile (score >= \(String(format: "%.3f", q3))): \(total[0]), bottom quartile " +
            "(<= \(String(format: "%.3f", q1))): \(total[1])")
        print(String(format: "accuracy: %.3f (%d/%d); polite recall %.3f, impolite recall %.3f", Double(r) / Double(n), r, n,
                     Double(right[0]) / Double(total[0]), Double(right[1]) / Double(total[1])))
        print(String(
            format: "patience cues (blame, hostility, condescension) fire on %d quartile requests: %d impolite, %d polite (precision %.3f)",
                     blame[0] + blame[1], blame[1], blame[0], Double(blame[1]) / Double(max(1, blame[0] + blame[1]))))
        for e in blameExamples.prefix(examples) { print("  on a polite request: \(e.prefix(160))") }
        print(String(format: "accuracy by half: even rows %.3f, odd rows %.3f", Double(halfRight[0]) / Double(halfTotal[0]),
                     Double(halfRight[1]) / Double(halfTotal[1])))
    }
}

/// A small RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, atStart = true
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return it.next() }
        while let c = next() {
            if quoted {
                if c != "\"" { field.unicodeScalars.append(c); continue }
                // Inside quotes, a doubled quote is a quote; a single one ends the quoted part.
                let d = it.next()
                if d == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = d }
                continue
            }
            switch c {
            case "\"" where atStart: quoted = true; atStart = false
            case ",": row.append(field); field = ""; atStart = true
            case "\r": continue
            case "\n": row.append(field); rows.append(row); row = []; field = ""; atStart = true
            default: field.unicodeScalars.append(c); atStart = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
