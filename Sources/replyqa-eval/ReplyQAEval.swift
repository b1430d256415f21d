import ArgumentParser
import Foundation

/// Measures ReplyQA's quality over external corpora; one subcommand per corpus.
@main
struct ReplyQAEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replyqa-eval",
        abstract: "Measure ReplyQA's checks against annotated corpora.",
        subcommands: [ReplyParsing.self, JFLEGEval.self, FindingsEval.self, AnswersEval.self, SupportConversations.self,
                      RelevanceEval.self, PolitenessEval.self, ToneLabelsEval.self])
}

struct ReplyParsing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply-parsing",
        abstract: "Separation of new text from quotes and signatures (plain/ and html/ with expected.json).")

    @Argument(help: "The reply-parsing corpus folder (holding plain/ and html/).")
    var path: String

    @Flag(help: "List every fixture, not only the failures.")
    var verbose = false

    func run() throws {

        let outcomes = try ReplyParsingAdapter(root: URL(fileURLWithPath: path)).run()
        for o in outcomes where verbose || !o.passed {
            print("\(o.passed ? "PASS" : "FAIL") \(o.name) (\(String(format: "%.1f", o.seconds * 1000)) ms)")
            for p in o.problems { print("    \(p)") }
        }
        let passed = outcomes.filter(\.passed).count
        for folder in ["plain", "html"] {
            let group = outcomes.filter { $0.name.hasPrefix(folder + "/") }
            print("\(folder): \(group.filter(\.passed).count)/\(group.count) fixtures exactly as expected, "
                  + "\(group.filter(\.matchesIgnoringWhitespace).count)/\(group.count) ignoring line breaks")
        }
        print("reply-parsing: \(passed) passed, \(outcomes.count - passed) failed")
    }
}
