import Foundation

/// Runs the `replyqa` command itself, so quality is measured end to end (ingest, segmentation,
/// every checker, the registry's merging and the configuration), not on one checker alone.
struct ReplyQACommand {
    var executable: URL

    /// `replyqa` beside this evaluation binary (the same build), unless a path is given.
    init(path: String?) throws {
        let url = path.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("replyqa")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw EvalError("no replyqa binary at \(url.path); build it (swift build --product replyqa) or pass --replyqa PATH")
        }
        executable = url
    }

    /// `replyqa check PATHS --format json` (with `--config` when given), decoded.
    func check(_ paths: [String], config: String?) throws -> CheckOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["check"] + paths + ["--format", "json", "--quiet"] + (config.map { ["--config", $0] } ?? [])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: the JSON is larger than a pipe's buffer.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus <= 1, !data.isEmpty else {
            throw EvalError("replyqa check exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return try JSONDecoder().decode(CheckOutput.self, from: data)
    }
}

/// The parts of `replyqa check --format json` the evaluations read.
struct CheckOutput: Decodable {
    struct Reply: Decodable {
        var file: String
        var messageID: String?
        var authored: String
        var findings: [Finding]
        var scores: Scores?
        var question: Question?
        var relevance: Relevance?
        enum CodingKeys: String, CodingKey { case file, messageID = "message_id", authored, findings, scores, question, relevance }
    }
    struct Relevance: Decodable {
        var score: Double
        var overlap: Double?
        var similarity: Double?
        var handoffLikeness: Double?
        enum CodingKeys: String, CodingKey { case score, overlap, similarity, handoffLikeness = "handoff_likeness" }
    }
    struct Finding: Decodable {
        var rule: String
        var severity: String
        var category: String
        var start: Int
        var end: Int
        var text: String
        var message: String
    }
    struct Scores: Decodable {
        var autoFailed: [String]
        enum CodingKeys: String, CodingKey { case autoFailed = "auto_failed" }
    }
    struct Question: Decodable { var text: String }
    var replies: [Reply]
}
