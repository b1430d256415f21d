import Foundation
import MailIngest
import ReplySegmentation
import ReplyQACore
import Scoring
import TextAnalysis

/// A reply as the pipeline produced it: the checker input plus how it was read.
public struct ReplyRecord: Sendable {
    public var reply: Reply
    /// Body location ("path" or "path#N" inside an mbox).
    public var location: String
    public var segments: Segments
    public var warnings: [String]
    public var findings: [Finding]
    /// Category and overall scores; nil when no checker ran.
    public var score: ReplyScore?
    /// The near-duplicate cluster the reply belongs to, if any (an index into `BatchResult.clusters`).
    public var cluster: Int?
    /// The approved macro the reply was built from, if any.
    public var macro: String?
    /// Category scores the checkers measured (the scorecard's base).
    public var dimensions: [String: Int] = [:]
    /// Each checker's evidence about the reply, by checker name.
    public var evidence: [String: any CheckEvidence] = [:]

    /// One checker's evidence, by its type.
    public func evidence<E: CheckEvidence>(_ type: E.Type) -> E? {
        evidence.values.lazy.compactMap { $0 as? E }.first
    }
}

/// Everything a run read: scored replies, customer messages kept as context, and every input
/// that was skipped or failed, with the reason.
public struct BatchResult: Sendable {
    public var replies: [ReplyRecord]
    public var customerMessages: Int
    public var failures: [IngestError]
    public var skipped: [SkippedInput]
    public var filesRead: Int
    public var clusters: [ClusterSummary] = []
    /// The rules whose finding failed a reply in this run (the scorecard's, else the rules' own say).
    public var autoFailRules: [String] = []
}

/// Runs ingest, segmentation, threading, attribution and the checkers over a set of paths.
public struct BatchProcessor: Sendable {
    public var config: Configuration
    public var checkers: CheckerRegistry
    /// Called as the run goes: the phase ("reading", "checking"), items done, items in all.
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// How inputs are read (`--input-format`): detected by default.
    public var inputFormat: InputFormat = .auto
    /// Threads that check replies (the output is the same for any number).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Splits bodies with the markers of the configuration's dictionaries folder (the built-in
    /// ones when that folder's cannot be read: commands report that before they run).
    public var segmenter: Segmenter

    let scorer: Scorer
    /// Rules whose findings the measured categories count already.
    let countedRules: Set<String>

    /// Reads and groups replies without checking them (`extract`).
    public init(config: Configuration) {
        self.init(config: config, checkers: StandardCheckers.batchFamilies(config: config))
    }

    /// `checkers` should hold the batch families too (`StandardCheckers` does): without them no
    /// reply is grouped with its near-duplicates or named after its macro.
    public init(config: Configuration, checkers: CheckerRegistry) {
        self.config = config
        self.checkers = checkers
        scorer = Scorer(options: config.scorecard, rules: checkers.rules)
        countedRules = checkers.countedRules
        let locator = DictionaryLocator(config: config)
        segmenter = (try? Segmenter.load(locator: locator)) ?? .standard
    }

    /// A message read and segmented, before threading decides what it is.
    struct Loaded {
        var message: MailMessage
        var segments: Segments
    }

    public func run(paths: [String]) -> BatchResult {
        let discovered = InputDiscovery.discover(paths, format: inputFormat, csv: config.helpdesk.csv)
        var failures = discovered.errors
        var skipped = discovered.skipped
        var loaded: [Loaded] = []
        var exports = HelpdeskReader(config: config)
        let parser = MimeParser(limits: config.limits)
        for (n, file) in discovered.files.enumerated() {
            progress?("reading", n, discovered.files.count)
            switch file.kind {
            case .helpdesk:
                exports.read(path: file.path, format: file.format)
            case .mbox:
                parser.parseMbox(path: file.path) { result in
                    switch result {
                    case .success(let m): loaded.append(load(m))
                    case .failure(let e): failures.append(e)
                    }
                }
            case .message:
                do {
                    let data = try readLimited(file.path)
                    loaded.append(load(try parser.parseMessage(data, path: file.path)))
                } catch let error as IngestError {
                    failures.append(error)
                } catch {
                    failures.append(IngestError(path: file.path, reason: "\(error)"))
                }
            }
        }
        // Exports are turned into messages last: a users file may come after the tickets it names.
        let exported = exports.messages()
        loaded += exported.messages.map(load)
        failures += exported.errors
        skipped += exported.leftOut.map { SkippedInput(path: $0.path, reason: $0.reason) }
        FreedMemory.release()
        return assemble(consume loaded, failures: failures, skipped: skipped, filesRead: discovered.files.count)
    }

    /// The same processor, reading inputs as `format` says.
    public func reading(_ format: InputFormat) -> BatchProcessor {
        var copy = self
        copy.inputFormat = format
        return copy
    }

    /// Builds a result from messages already parsed (used by `lint` and tests as well).
    public func run(messages: [MailMessage]) -> BatchResult {
        assemble(messages.map(load), failures: [], skipped: [], filesRead: messages.count)
    }

    /// The file's bytes, read by its real name and only if it is a regular file.
    func readLimited(_ path: String) throws -> [UInt8] {
        try SystemPath.read(path, maxBytes: config.limits.maxMessageBytes)
    }

    /// The message segmented, without what no later stage reads: its body (the segments hold its
    /// parts) and the segmenter's intermediate texts, so a large batch keeps only what it needs.
    func load(_ message: MailMessage) -> Loaded {
        var segments = segmenter.segment(message.body, quoteStartLine: message.quoteStartLine)
        segments.newText = ""
        segments.fragments = []
        var message = message
        message.body = ""
        return Loaded(message: message, segments: segments)
    }

    /// What a reply's record needs of the message it came from.
    struct Source {
        var location: String
        var warnings: [String]
    }

    func assemble(_ loaded: consuming [Loaded], failures: [IngestError], skipped: [SkippedInput], filesRead: Int) -> BatchResult {
        var (pending, customers) = thread(consume loaded)
        // A pass over the whole batch (canned texts, word statistics), then each reply.
        let batch = prepare(pending.map(\.0))
        let clusters = batch[ReplyClusters.self].clusters
        let context = CheckContext(config: config, batch: batch)
        progress?("checking", 0, pending.count)
        let checked = Counter()
        let total = pending.count, progress = self.progress
        let checks = checkers.check(pending.map(\.0), in: context, threads: threads) {
            progress?("checking", checked.increment(), total)
        }
        var replies: [ReplyRecord] = []
        replies.reserveCapacity(total)
        for (i, checks) in checks.enumerated() {
            let (reply, source, segments) = pending[i]
            replies.append(record(reply, source: source, segments: segments, checks: checks, context: context))
        }
        pending = []
        for c in clusters { for m in c.members { replies[m].cluster = c.id } }
        FreedMemory.release()
        return BatchResult(replies: replies, customerMessages: customers, failures: failures,
                           skipped: skipped, filesRead: filesRead, clusters: clusters, autoFailRules: scorer.autoFailRules)
    }

    /// Decides which messages are agent replies and pairs each with the customer message it answers;
    /// the messages themselves are not kept.
    func thread(_ loaded: consuming [Loaded]) -> (pending: [(Reply, Source, Segments)], customers: Int) {
        let messages = loaded.map(\.message)
        let attribution = Attribution(config: config,
                                      inferredSupportDomains: Attribution.isConfigured(config)
                                          ? [] : Attribution.inferSupportDomains(messages))
        var byID: [String: Int] = [:]
        for (i, m) in messages.enumerated() { if let id = m.messageID, byID[id] == nil { byID[id] = i } }
        let isAgent = messages.map { attribution.isAgentMessage($0) }
        // With no agent rule and nothing inferable (one message, say), every message is a reply.
        // A helpdesk export says who is who, even when it holds only customers' messages.
        let anyAgent = isAgent.contains(true) || messages.contains { $0.header(HelpdeskReader.roleHeader) != nil }

        var pending: [(Reply, Source, Segments)] = []
        var customers = 0
        for (i, item) in loaded.enumerated() {
            let m = item.message
            guard isAgent[i] || !anyAgent else { customers += 1; continue }
            let question = findQuestion(for: i, loaded: loaded, byID: byID, isAgent: isAgent)
            pending.append((makeReply(m, segments: item.segments, question: question, attribution: attribution),
                            Source(location: m.location, warnings: m.warnings), item.segments))
        }
        return (pending, customers)
    }

    /// Lets every family look over the batch (canned texts, word statistics) before any reply is checked.
    func prepare(_ replies: [Reply]) -> BatchContext {
        var batch = BatchContext()
        checkers.prepare(replies, into: &batch)
        return batch
    }

    /// The checker input for one message.
    func makeReply(_ m: MailMessage, segments: Segments, question: CustomerQuestion?, attribution: Attribution,
                   agent: String? = nil, channel: String? = nil) -> Reply {
        Reply(file: m.path, messageID: m.messageID, agent: agent ?? attribution.agent(of: m),
              channel: channel ?? attribution.channel(of: m), date: m.date, subject: m.subject,
              fromAddress: m.from?.address,
              recipients: (m.to + m.cc).map { a in a.name.map { "\($0) <\(a.address)>" } ?? a.address },
              authored: segments.authored, signature: segments.signature, footer: segments.footer,
              quoted: segments.quoted, question: question, attachments: m.attachments)
    }

    /// Runs the checkers and scores one reply.
    func check(_ reply: Reply, message m: MailMessage, segments: Segments, context: CheckContext) -> ReplyRecord {
        record(reply, source: Source(location: m.location, warnings: m.warnings), segments: segments,
               checks: checkers.check(reply, in: context), context: context)
    }

    /// The record of one checked reply, scored.
    func record(_ reply: Reply, source: Source, segments: Segments, checks: ReplyChecks, context: CheckContext) -> ReplyRecord {
        let empty = reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let score = checkers.checkers.isEmpty ? nil : scorer.score(checks.findings, base: checks.dimensions, counted: countedRules,
                                                                   emptyReply: empty)
        return ReplyRecord(reply: reply, location: source.location, segments: segments,
                           warnings: source.warnings + ReadLimit.warnings(for: reply, checkers: checkers.checkers),
                           findings: checks.findings, score: score, macro: context.batch[CannedReplies.self][reply]?.macro,
                           dimensions: checks.dimensions, evidence: checks.evidence)
    }

    /// Lints one reply on its own: it is a reply whatever its sender; the customer's message is
    /// `question` when given, else what the reply quotes.
    public func lint(_ message: MailMessage, question: MailMessage?, agent: String?, channel: String?) -> ReplyRecord {
        let segments = segmenter.segment(message.body, quoteStartLine: message.quoteStartLine)
        var customer: CustomerQuestion? = nil
        if let q = question {
            let qs = segmenter.segment(q.body, quoteStartLine: q.quoteStartLine)
            customer = CustomerQuestion(text: qs.authored, source: .thread, messageID: q.messageID,
                                        customerName: q.from?.name ?? message.to.first?.name,
                                        customerAddress: q.from?.address ?? message.to.first?.address)
        } else if let quoted = segments.quotedMessage {
            customer = CustomerQuestion(text: quoted, source: .quote, customerName: message.to.first?.name,
                                        customerAddress: message.to.first?.address)
        }
        let attribution = Attribution(config: config)
        let reply = makeReply(message, segments: segments, question: customer, attribution: attribution, agent: agent, channel: channel)
        let batch = prepare([reply])
        return check(reply, message: message, segments: segments, context: CheckContext(config: config, batch: batch))
    }

    /// The customer's message a reply answers: up the In-Reply-To/References chain to the nearest
    /// customer message in the batch, else the most recent message quoted inside the reply.
    func findQuestion(for i: Int, loaded: [Loaded], byID: [String: Int], isAgent: [Bool]) -> CustomerQuestion? {
        let m = loaded[i].message
        var candidates: [String] = []
        if let parent = m.inReplyTo { candidates.append(parent) }
        candidates += m.references.reversed()
        var seen = Set<String>()
        for id in candidates where seen.insert(id).inserted {
            guard let j = byID[id], j != i, !isAgent[j] || !isAgent.contains(true) else { continue }
            let parent = loaded[j]
            let text = parent.segments.authored
            guard !text.isEmpty else { continue }
            return CustomerQuestion(text: text, source: .thread, messageID: parent.message.messageID,
                                    customerName: parent.message.from?.name, customerAddress: parent.message.from?.address,
                                    location: parent.message.location)
        }
        if let quoted = loaded[i].segments.quotedMessage {
            let recipient = m.to.first
            return CustomerQuestion(text: quoted, source: .quote, messageID: nil,
                                    customerName: recipient?.name, customerAddress: recipient?.address)
        }
        return nil
    }
}

extension Attribution {
    static func isConfigured(_ config: Configuration) -> Bool {
        Attribution(config: config).isConfigured
    }
}

/// A count shared by the threads that check a batch.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}
