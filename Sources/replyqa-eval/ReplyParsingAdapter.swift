import Foundation
import MailIngest
import ReplySegmentation

/// Scores segmentation against `reply-parsing/{plain,html}/expected.json`.
///
/// Plain fixtures state the new text without the signature (email_reply_parser's notion); the
/// HTML fixtures state everything above the quoted history, sign-off and name included (talon's),
/// so those are compared with the authored text plus signature.
struct ReplyParsingAdapter {
    let root: URL

    struct Outcome {
        var name: String; var passed: Bool; var problems: [String]; var seconds: Double
        /// The new text matches when line breaks and spacing are ignored (talon's own test criterion).
        var matchesIgnoringWhitespace: Bool
    }

    func run() throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for folder in ["plain", "html"] {
            let dir = root.appendingPathComponent(folder)
            let expectedData = try Data(contentsOf: dir.appendingPathComponent("expected.json"))
            guard let expected = try JSONSerialization.jsonObject(with: expectedData) as? [String: [String: String]] else {
                throw EvalError("\(dir.path)/expected.json is not an object of objects")
            }
            for name in expected.keys.sorted() {
                let ext = folder == "html" ? "html" : "txt"
                let file = dir.appendingPathComponent("\(name).\(ext)")
                let raw = try Data(contentsOf: file)
                let started = Date()
                let segments: Segments
                if folder == "html" {
                    let converted = HTMLText.convert(String(decoding: raw, as: UTF8.self))
                    segments = Segmenter.segment(converted.text, quoteStartLine: converted.quoteStartLine)
                } else {
                    segments = Segmenter.segment(String(decoding: raw, as: UTF8.self))
                }
                let seconds = Date().timeIntervalSince(started)
                let newText = normalize(folder == "html" ? segments.newText : segments.authored)
                var problems: [String] = []
                let e = expected[name]!
                if let want = e["new_text"], normalize(want) != newText {
                    problems.append("new text is \(quote(newText)), expected \(quote(normalize(want)))")
                }
                if let want = e["new_text_starts_with"], !newText.hasPrefix(normalize(want)) {
                    problems.append("new text starts \(quote(String(newText.prefix(40)))), expected \(quote(want))")
                }
                if let want = e["new_text_contains"], !newText.contains(want) {
                    problems.append("new text lacks \(quote(want))")
                }
                if let want = e["signature_starts_with"], !(segments.signature ?? "").hasPrefix(want) {
                    problems.append("signature is \(quote(segments.signature ?? "none")), expected to start \(quote(want))")
                }
                if let want = e["quote_header_starts_with"], !(segments.quoteHeader ?? "").hasPrefix(want) {
                    problems.append("quote header is \(quote(segments.quoteHeader ?? "none")), expected to start \(quote(want))")
                }
                problems += noteChecks(name: name, segments: segments, newText: newText, seconds: seconds)
                let loose = e["new_text"].map { squash($0) == squash(newText) } ?? problems.isEmpty
                outcomes.append(Outcome(name: "\(folder)/\(name)", passed: problems.isEmpty, problems: problems,
                                        seconds: seconds, matchesIgnoringWhitespace: loose))
            }
        }
        return outcomes
    }

    /// Expectations the corpus states only in its `note` fields.
    func noteChecks(name: String, segments: Segments, newText: String, seconds: Double) -> [String] {
        var problems: [String] = []
        switch name {
        case "email_1_2":
            if !newText.hasPrefix("Hi,") || !newText.contains(
                "You can list the keys") { problems.append("interleaved reply parts missing: \(quote(newText))") }
            if newText.contains("What is the best way") { problems.append("quoted question leaked into the new text") }
        case "email_1_5", "email_sig_delimiter_in_middle_of_line":
            if segments.quoted != nil || segments.signature != nil { problems.append("one fragment expected, found a quote or signature") }
        case "email_1_8":
            if !newText.contains("I will reply") || !newText.contains(
                "and under this.") { problems.append("inline replies missing: \(quote(newText))") }
            if !(segments.signature ?? "").hasPrefix(
                "--\nHey there, this is my signature") { problems.append("signature is \(quote(segments.signature ?? "none"))") }
        case "email_long_quote", "pathological":
            if seconds > 0.5 { problems.append(String(format: "took %.2f s", seconds)) }
        default: break
        }
        return problems
    }

    func normalize(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func squash(_ s: String) -> String { s.filter { !$0.isWhitespace } }

    func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

struct EvalError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
