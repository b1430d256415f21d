import Aggregation
import ArgumentParser
import Foundation
import History
import MailIngest
import ReplyPipeline
import ReplyQACore
import Reports

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a reproducible stratified sample of replies for review.",
        discussion: """
        Draws up to --per-agent replies from each agent (each agent on each channel with --per-channel), at \
        random but reproducibly: the same input and --seed give the same sample. With --out, copies each \
        sampled reply (an mbox message becomes an .eml file) and the customer message it answers into the \
        folder, with manifest.csv and a copy of the configuration used (replyqa.yml), so \
        `replyqa check DIR --config DIR/replyqa.yml` scores the sample the same way; without it, prints the manifest. \
        --spotlight N also draws N replies weighted by risk (auto-fails, errors, low relevance, long threads, distressed \
        customers) from the replies the stratified sample left, each with why it was drawn; with --out the two shares \
        go to DIR/stratified (a fair sample: its statistics are the team's) and DIR/spotlight (for review only).
        """)

    @OptionGroup var common: CommonOptions
    @Argument(help: ArgumentHelp("Files (.eml, mbox), directories or Maildir folders.", valueName: "path")) var paths: [String]
    @Option(name: .customLong("per-agent"), help: "Replies to draw per agent (or per agent and channel).") var perAgent: Int
    @Flag(name: .customLong("per-channel"),
          help: "Draw per agent and channel, so every channel an agent works is sampled.") var perChannel = false
    @Option(help: "Random seed: the same seed draws the same sample.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Also draw this many replies weighted by risk, besides the stratified sample (which stays the same).",
                               valueName: "n"))
    var spotlight: Int?
    @Option(help: ArgumentHelp("Copy the sample into this folder.", valueName: "dir")) var out: String?
    @Option(name: .customLong("input-format"),
            help: "Read inputs as: auto (by content), mail, zendesk, freshdesk, intercom, helpscout, front or csv.")
    var inputFormat: InputFormat = .auto

    func validate() throws {
        if perAgent < 1 { throw ValidationError("--per-agent must be at least 1") }
        if let spotlight, spotlight < 1 { throw ValidationError("--spotlight must be at least 1") }
    }

    func run() throws {
        let file = try common.loadFile()
        let config = file.configuration
        common.warnAboutOtherConfigurations(in: paths, using: file)
        // The spotlight weighs what the checkers find; the stratified draw needs none of it.
        let processor = spotlight == nil ? BatchProcessor(config: config) : BatchProcessor(config: config,
                                                                                           checkers: try common.loadCheckers(file))
        let result = processor.reading(inputFormat).run(paths: paths)
        let picks = StratifiedSample(perStratum: perAgent, byChannel: perChannel, seed: seed).draw(result.replies)
        let spotlit = spotlight.map { SpotlightSample(count: $0, seed: seed)
            .draw(result.replies, excluding: Set(picks.map(\.index))) } ?? []
        var copies = SampleCopies(enabled: out != nil, limits: config.limits)
        let rows = manifestRows(result.replies, picks: picks, spotlit: spotlit, copies: &copies)
        let manifest = rows.map { $0.map(CSVField.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
        if let out {
            try write(manifest, copies: copies.files, to: out, file: file, picks: picks, spotlit: spotlit)
        } else {
            // Agent names come from the emails: escaped on the way to the terminal.
            Swift.print(TerminalText.escape(manifest), terminator: "")
        }
        if !result.failures.isEmpty { throw ExitCode(1) }
    }

    /// The manifest (header first): one row per drawn reply, stratified share before spotlight,
    /// each with its copies' names and why it was drawn. Copies the replies and their questions too.
    func manifestRows(_ replies: [ReplyRecord], picks: [StratifiedSample.Pick], spotlit: [SpotlightSample.Pick],
                      copies: inout SampleCopies) -> [[String]] {
        let sizes = Dictionary(grouping: picks, by: \.stratum).mapValues(\.count)
        let strata = Dictionary(grouping: replies.indices) { i in
            perChannel ? "\(replies[i].reply.agent) / \(replies[i].reply.channel)" : replies[i].reply.agent
        }.mapValues(\.count)
        var rows = [["stratum", "agent", "channel", "message_id", "source", "copy", "question_copy", "draw", "reason"]]
        var slugs = SlugMaker(), slugOf: [String: String] = [:]
        // With a spotlight, each share is a folder of its own that `check` reads on its own.
        let shares = spotlight == nil ? ["": picks.map { ($0.index, $0.stratum) }]
                                      : ["stratified/": picks.map { ($0.index, $0.stratum) },
                                         "spotlight/": spotlit.map { ($0.index, "spotlight") }]
        let reasons = Dictionary(uniqueKeysWithValues: spotlit.map { ($0.index, $0.reasons.joined(separator: "; ")
            + " (risk \(Int($0.weight)))") })
        for share in shares.keys.sorted(by: >) {
            for (index, stratum) in shares[share]! {
                let r = replies[index]
                let slug = slugOf[r.reply.agent] ?? { let s = slugs.slug(r.reply.agent); slugOf[r.reply.agent] = s; return s }()
                // A reply from a helpdesk export is written as an email, with its question beside it.
                let replyCopy = copies.copy(r.location, into: "\(share)replies/\(slug)",
                                            export: HelpdeskCopy.reply(r.reply, location: r.location))
                let questionCopy = r.reply.question?.location.map { copies.copy($0, into: "\(share)context",
                    export: HelpdeskCopy.question(r.reply, location: r.location)) } ?? ""
                let spot = share == "spotlight/"
                // A stratified reply's share of its stratum: what weighs it in honest statistics.
                let why = spot ? reasons[index] ?? "" : "\(sizes[stratum] ?? 0) of \(strata[stratum] ?? 0) replies of \(stratum), at random"
                rows.append([stratum, r.reply.agent, r.reply.channel, r.reply.messageID ?? "", r.location, replyCopy, questionCopy,
                             spot ? "spotlight" : "stratified", why])
            }
        }
        return rows
    }

    /// Writes the copies, the manifest and the configuration used into `out`, and says what is there.
    func write(_ manifest: String, copies: [(String, Data)], to out: String, file: ConfigurationFile,
               picks: [StratifiedSample.Pick], spotlit: [SpotlightSample.Pick]) throws {
        var files = copies
        files.append(("manifest.csv", Data(manifest.utf8)))
        if let source = file.path {
            // The same settings re-check the sample the same way (agents, channels, severities).
            let config = (out as NSString).appendingPathComponent("replyqa.yml")
            let note = "# The configuration `replyqa sample` used, copied from \(source); check the sample with\n"
                + (spotlight == nil ? "# replyqa check \(out) --config \(config)\n"
                   : "# replyqa check \(out)/stratified --config \(config)   (the fair share: its statistics are the team's)\n"
                     + "# replyqa check \(out)/spotlight --config \(config)    (drawn by risk: for review, not for statistics)\n")
            files.append(("replyqa.yml", Data((note + file.relocated()).utf8)))
        }
        do { _ = try ReportWriter.write(files, to: out, marker: (file: "manifest.csv", text: "stratum,agent,channel")) }
        catch { warn("replyqa: \(error)"); throw ExitCode(1) }
        let strataDrawn = Set(picks.map(\.stratum)).count
        let configNote = file.path == nil ? "" : ", replyqa.yml is the configuration used"
        Swift.print(
            "Sample: \(picks.count) replies from \(strataDrawn) strata (seed \(seed)) in \(out)\(spotlight == nil ? "" : "/stratified")"
                    + (spotlight == nil
                        ? "" : ", and \(spotlit.count) drawn by risk in \(out)/spotlight (for review, not for statistics)")
                    + "; manifest.csv lists them\(configNote)")
    }
}

/// The sampled messages copied for `sample --out`, each under a name of its own.
struct SampleCopies {
    /// Without --out nothing is copied and every copy's name is empty.
    let enabled: Bool
    let limits: Limits
    var files: [(String, Data)] = []
    var names = Set<String>()

    /// Copies the message at `location` (or `export`, a helpdesk message written as an email) into
    /// `folder` as an .eml file; returns its name, or "" when it could not be read.
    mutating func copy(_ location: String, into folder: String, export: [UInt8]? = nil) -> String {
        guard enabled else { return "" }
        do {
            let bytes = try export ?? RawMessage.bytes(location: location, limits: limits)
            var base = (location as NSString).lastPathComponent.replacingOccurrences(of: "#", with: "-")
            if !base.hasSuffix(".eml") { base += ".eml" }
            var name = "\(folder)/\(base)", k = 2
            while names.contains(name) { name = "\(folder)/\(k)-\(base)"; k += 1 }
            names.insert(name)
            files.append((name, Data(bytes)))
            return name
        } catch {
            warn("replyqa sample: \(location): \(error)")
            return ""
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the recorded runs and each agent's week-over-week trend.",
        discussion: """
        Reads the SQLite file that `replyqa check --history FILE` writes, without changing it. A change between the \
        last two weeks is called out only when it is larger than the noise of both weeks' means (95%). \
        Exits 1 when the file cannot be read (not a history, locked, from a newer ReplyQA) or has damaged rows \
        (they are listed and left out); 2 on bad usage or a missing file.
        """)

    @Option(help: ArgumentHelp("The history file.", valueName: "file")) var history: String
    @Option(help: "Only this agent.") var agent: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    struct Document: Encodable {
        var runs: [HistoryRun]
        var trends: [AgentTrend]
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: history) else { throw UsageFailure("replyqa history: no history file at \(history)") }
        let snapshot: HistorySnapshot
        do { snapshot = try HistoryStore(path: history, readOnly: true).snapshot(agent: agent) }
        catch { throw RuntimeFailure("replyqa \(error)") }
        let runs = snapshot.runs
        let trends = snapshot.trends.values.sorted { $0.agent < $1.agent }
        // Agent names and inputs come from the emails and the command lines that were recorded.
        func say(_ line: String) { Swift.print(TerminalText.escape(line)) }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(Document(runs: runs, trends: trends)), as: UTF8.self))
        case .text:
            say("Runs:")
            for r in runs { say("  #\(r.id) \(r.recordedAt): \(r.replies) replies, \(r.newReplies) new · \(r.inputs)") }
            for t in trends {
                say("\n\(t.agent)")
                for w in t.weeks {
                    let ci = w.overall.low.map { String(format: " [%.1f–%.1f]", $0, w.overall.high ?? $0) } ?? ""
                    say("  \(w.week)  mean \(String(format: "%.1f", w.overall.mean))\(ci)  (n=\(w.overall.n))")
                }
                if let c = t.change { say("  \(c.summary)") }
            }
        }
        if !snapshot.damaged.isEmpty {
            for d in snapshot.damaged { warn("replyqa history: \(history): \(d); the row is left out") }
            throw RuntimeFailure("replyqa history: \(history): \(snapshot.damaged.count) damaged row(s) left out; the rest is shown")
        }
    }
}
