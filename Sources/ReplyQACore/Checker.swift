import Foundation

/// A reply the batch has seen several times, nearly word for word: a canned answer.
public struct CannedReply: Sendable, Equatable {
    /// How many replies of the batch share the text (1 when only a macro matched).
    public var count: Int
    public var agents: [String]
    /// The approved macro the text came from, if one matches.
    public var macro: String?
    public init(count: Int, agents: [String], macro: String?) { self.count = count; self.agents = agents; self.macro = macro }
}

/// Something one checker family learns from the whole batch before any reply is checked (word
/// statistics, canned texts): declared by the family that computes it, or here when several read it.
public protocol BatchFact: Sendable {
    /// What a check sees when the batch taught it nothing (a reply linted alone).
    init()
}

/// What the whole batch knows, for checks that compare a reply with the others: one value per
/// fact type, each written by the family that computes it.
public struct BatchContext: Sendable {
    private var facts: [ObjectIdentifier: any BatchFact] = [:]
    public init() {}

    /// The batch's fact of this type (empty until a family has written it).
    public subscript<F: BatchFact>(_ type: F.Type) -> F {
        get { facts[ObjectIdentifier(type)].flatMap { $0 as? F } ?? F() }
        set { facts[ObjectIdentifier(type)] = newValue }
    }
}

/// The batch's canned replies by `Reply.key` (the near-duplicate family writes them; relevance
/// and the report read them).
public struct CannedReplies: BatchFact, Equatable {
    public var byKey: [String: CannedReply] = [:]
    public init() {}
    public subscript(_ reply: Reply) -> CannedReply? {
        get { byKey[reply.key] }
        set { byKey[reply.key] = newValue }
    }
}

/// Replies of a batch that are (nearly) the same text: canned answers.
public struct ClusterSummary: Sendable, Equatable {
    public var id: Int
    /// Indices into the batch's replies.
    public var members: [Int]
    public var agents: [String]
    /// The approved macro the cluster's text matches, if any.
    public var macro: String?
    public init(id: Int, members: [Int], agents: [String], macro: String?) {
        self.id = id; self.members = members; self.agents = agents; self.macro = macro
    }
}

/// The batch's groups of near-identical replies, in report order (written with `CannedReplies`).
public struct ReplyClusters: BatchFact, Equatable {
    public var clusters: [ClusterSummary] = []
    public init() {}
    public init(clusters: [ClusterSummary]) { self.clusters = clusters }
}

extension Reply {
    /// Identifies a reply within a batch.
    public var key: String { "\(file)|\(messageID ?? "")|\(authored.unicodeScalars.count)|\(authored.prefix(40))" }
}

/// What a checker may look at besides the reply itself.
public struct CheckContext: Sendable {
    public var config: Configuration
    public var batch: BatchContext
    public init(config: Configuration, batch: BatchContext = BatchContext()) { self.config = config; self.batch = batch }
}

/// A family that looks over the whole batch before any reply is checked and writes what it
/// learns as batch facts (word counts across replies, groups of canned texts).
public protocol BatchPreparing: Sendable {
    func prepare(_ replies: [Reply], into batch: inout BatchContext)
}

/// A checker's evidence about one reply (a tone profile, a relevance analysis): written into the
/// reply's JSON under the checker's name, and read back by type where a report shows it.
public protocol CheckEvidence: Encodable, Sendable {}

/// What one checker made of one reply: its findings, the category scores it measured directly,
/// and its evidence.
public struct CheckOutput: Sendable {
    public var findings: [Finding]
    /// Base scores (0-100) by category name, for checkers that measure a category themselves.
    public var dimensions: [String: Int]
    public var evidence: (any CheckEvidence)?
    /// Where each rule matched, for rules that score without a finding (tone cues); nil when the
    /// findings say it all.
    public var scoringMarks: [RuleMark]?
    public init(findings: [Finding], dimensions: [String: Int] = [:], evidence: (any CheckEvidence)? = nil,
                scoringMarks: [RuleMark]? = nil) {
        self.findings = findings; self.dimensions = dimensions; self.evidence = evidence; self.scoringMarks = scoringMarks
    }

    /// Where `rule` matched: its scoring marks, else its findings (what the examples test).
    public func spans(of rule: String) -> [Span] {
        let marked = scoringMarks?.filter { $0.rule == rule }.map(\.span) ?? []
        return marked.isEmpty ? findings.filter { $0.rule == rule }.map(\.span) : marked
    }
}

/// A rule's match in a reply, finding or not.
public struct RuleMark: Sendable, Equatable {
    public var rule: String
    public var span: Span
    public init(rule: String, span: Span) { self.rule = rule; self.span = span }
}

/// A stage of the Check step: a pure function from one reply (and its context) to findings.
///
/// Checkers are independent: each looks only at the reply and the context, never at another
/// checker's findings, so they can run in any order or in parallel.
public protocol Checker: BatchPreparing {
    /// A short stable name, used in configuration and reports.
    var name: String { get }
    /// The rules this checker can report, with examples.
    var rules: [RuleDescription] { get }
    /// Whether the categories this checker measures already count its own findings, so the
    /// scorer must not take their penalty again.
    var measuresOwnFindings: Bool { get }
    /// Whether the checker must see a batch's replies one at a time in batch order: its caches
    /// and budgets make what it says of a reply depend on the replies before it.
    var needsReplyOrder: Bool { get }
    func check(_ reply: Reply, in context: CheckContext) -> [Finding]
    /// Findings plus measured scores and evidence; by default just the findings.
    func analyze(_ reply: Reply, in context: CheckContext) -> CheckOutput
}

extension Checker {
    /// Most checkers look at each reply alone.
    public func prepare(_ replies: [Reply], into batch: inout BatchContext) {}
    public var rules: [RuleDescription] { [] }
    public var measuresOwnFindings: Bool { false }
    public var needsReplyOrder: Bool { false }
    public func analyze(_ reply: Reply, in context: CheckContext) -> CheckOutput {
        CheckOutput(findings: check(reply, in: context))
    }
}

/// Every checker's output on one reply, merged.
public struct ReplyChecks: Sendable {
    /// Findings of every checker, configured severities applied, ordered by position then rule.
    public var findings: [Finding]
    /// Measured category scores, the base of the scorecard.
    public var dimensions: [String: Int]
    /// Each checker's evidence, by checker name.
    public var evidence: [String: any CheckEvidence]
}

/// The ordered set of checkers a run uses; later features register theirs here.
public struct CheckerRegistry: Sendable {
    public private(set) var checkers: [any Checker]
    /// Families that only look over the batch (near-duplicates): they run before the checkers'
    /// own batch pass, so a checker may read their facts.
    public private(set) var batchFamilies: [any BatchPreparing]
    public init(_ checkers: [any Checker] = [], batchFamilies: [any BatchPreparing] = []) {
        self.checkers = checkers
        self.batchFamilies = batchFamilies
    }
    public mutating func register(_ checker: any Checker) { checkers.append(checker) }
    public mutating func register(batchFamily: any BatchPreparing) { batchFamilies.append(batchFamily) }

    /// Lets every family look over all replies before any is checked: the batch families first.
    public func prepare(_ replies: [Reply], into batch: inout BatchContext) {
        for f in batchFamilies { f.prepare(replies, into: &batch) }
        for c in checkers { c.prepare(replies, into: &batch) }
    }

    /// Every rule of every checker.
    public var rules: [RuleDescription] { checkers.flatMap(\.rules) }

    /// Rules whose findings the measured categories already count (see `measuresOwnFindings`).
    public var countedRules: Set<String> {
        Set(checkers.filter(\.measuresOwnFindings).flatMap(\.rules).map(\.id))
    }

    /// Runs every checker once: findings, measured scores and evidence.
    public func check(_ reply: Reply, in context: CheckContext) -> ReplyChecks {
        merged(checkers.map { $0.analyze(reply, in: context) }, config: context.config)
    }

    /// Runs every checker on every reply using every core, with the same result as one reply after
    /// another: checkers that need reply order run on one thread in batch order while the others
    /// run on the rest. `done` is called once per reply, from any thread.
    public func check(_ replies: [Reply], in context: CheckContext, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                      done: (@Sendable () -> Void)? = nil) -> [ReplyChecks] {
        let all = checkers
        let ordered = all.indices.filter { all[$0].needsReplyOrder }
        let free = all.indices.filter { !all[$0].needsReplyOrder }
        let outputs = OutputSlots(replies: replies.count, checkers: all.count)
        defer { outputs.release() }
        @Sendable func run(_ i: Int, _ which: [Int]) {
            for c in which { outputs.set(i, c, all[c].analyze(replies[i], in: context)) }
        }
        if threads <= 1 || replies.count < 2 {
            for i in replies.indices { run(i, ordered); run(i, free); done?() }
        } else {
            let remaining = ReplyCountdown(replies.count, checkers: ordered.isEmpty ? 1 : 2, done: done)
            // Work item 0 walks the batch in order for the ordered checkers; the others share the rest.
            DispatchQueue.concurrentPerform(iterations: replies.count + 1) { item in
                if item == 0 {
                    for i in replies.indices { run(i, ordered); remaining.finish(i) }
                } else {
                    run(item - 1, free)
                    remaining.finish(item - 1)
                }
            }
        }
        return replies.indices.map { i in merged(all.indices.map { outputs.get(i, $0) }, config: context.config) }
    }

    /// The outputs of every checker on one reply, merged.
    func merged(_ outputs: [CheckOutput], config: Configuration) -> ReplyChecks {
        var findings: [Finding] = []
        var dimensions: [String: Int] = [:]
        var evidence: [String: any CheckEvidence] = [:]
        for (checker, output) in zip(checkers, outputs) {
            findings += output.findings
            dimensions.merge(output.dimensions) { first, _ in first }
            if let e = output.evidence { evidence[checker.name] = e }
        }
        return ReplyChecks(findings: merged(findings, config: config), dimensions: dimensions, evidence: evidence)
    }

    /// Runs every checker and returns their findings ordered by position, then rule.
    public func run(_ reply: Reply, in context: CheckContext) -> [Finding] {
        merged(checkers.flatMap { $0.check(reply, in: context) }, config: context.config)
    }

    /// Findings with disabled rules left out and configured severities applied, ordered by
    /// position, then rule. Where a specific rule and the general spelling check flag the same
    /// words ("alot"), only the specific finding is kept.
    func merged(_ findings: [Finding], config: Configuration) -> [Finding] {
        let disabled = Set(config.disabledRules)
        let overrides = config.severities
        let all = findings.filter { !disabled.contains($0.rule) }
            .map { f -> Finding in
                var f = f
                if let s = overrides[f.rule] { f.severity = s }
                return f
            }
        let specific = all.filter { $0.rule != "spelling" }
        return all.filter { f in
            f.rule != "spelling" || !specific.contains { Self.replaces($0, spelling: f) }
        }.sorted { ($0.span.start, $0.span.end, $0.rule) < ($1.span.start, $1.span.end, $1.rule) }
    }

    /// Whether `finding` is about the same words as a spelling finding, so only it is kept.
    ///
    /// Only a language rule on the word itself (or the word and a neighbour, as "could of") may
    /// replace a typo: a finding that spans a whole sentence or reply (a missing greeting, an
    /// off-topic reply) is about something else and must not hide it.
    static func replaces(_ finding: Finding, spelling: Finding) -> Bool {
        guard finding.category == .spelling || finding.category == .grammar, finding.span.length > 0 else { return false }
        return finding.span.start <= spelling.span.start && spelling.span.end <= finding.span.end
            && finding.span.length <= spelling.span.length + Self.neighbourSlack
    }

    /// How much longer than the misspelled word a finding about "the same words" may be.
    static let neighbourSlack = 12
}

/// One output per reply and checker, each written by exactly one thread before any is read.
final class OutputSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<CheckOutput?>
    private let checkers: Int
    private let count: Int

    init(replies: Int, checkers: Int) {
        self.checkers = checkers
        count = max(1, replies * checkers)
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    func set(_ reply: Int, _ checker: Int, _ output: CheckOutput) { slots[reply * checkers + checker] = output }
    func get(_ reply: Int, _ checker: Int) -> CheckOutput { slots[reply * checkers + checker]! }

    func release() {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}

/// Calls `done` once per reply, when every part of the batch that checks it has finished with it.
final class ReplyCountdown: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Int]
    private let done: (@Sendable () -> Void)?

    init(_ replies: Int, checkers parts: Int, done: (@Sendable () -> Void)?) {
        self.parts = Array(repeating: parts, count: replies)
        self.done = done
    }

    func finish(_ reply: Int) {
        lock.lock()
        parts[reply] -= 1
        let finished = parts[reply] == 0
        lock.unlock()
        if finished { done?() }
    }
}
