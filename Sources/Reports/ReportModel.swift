import Aggregation
import Calibration
import Foundation
import MailIngest
import ReplyPipeline
import ReplyQACore
import Scoring

/// Everything one report shows: the run's inputs, the replies, their aggregate and the trends.
public struct ReportModel: Sendable {
    public var result: BatchResult
    public var summaries: [ReplySummary]
    public var aggregate: BatchAggregate
    public var scorecard: ScorecardOptions
    /// The channels' tone policies, shown on the channel pages.
    public var tone: ToneOptions
    /// Weekly trends per agent, when a history database was given.
    public var trends: [String: AgentTrend]
    /// The run's time, only when asked (`--now`): otherwise the same input gives the same bytes.
    public var generatedAt: Date?
    /// The rubric categories in report order (those some reply was scored on).
    public var categories: [String]
    /// The reviews applied: which findings are disputed, which category scores a reviewer replaced.
    public var reviewed: ReviewedBatch
    /// How to point a coach at the reviews: the report folder and history file as the run named them.
    public var reviewCommand: ReviewCommand
    /// Agreement with the team's reviewers, when the run was given their ratings (`calibration.html`).
    public var calibration: CalibrationReport?
    /// The summaries as scores and statistics read them (disputed findings left out).
    public var scored: [ReplySummary]
    /// Teammates' replies to show as models for an agent's improvement areas.
    public var models: ModelReplies

    /// `reviews` are applied first: disputed findings stay on the pages, marked, and are left out of
    /// every score and statistic.
    public init(result: BatchResult, config: Configuration, trends: [String: AgentTrend] = [:], generatedAt: Date? = nil,
                reviews: ReviewSet = ReviewSet(), reviewCommand: ReviewCommand = ReviewCommand(), calibration: CalibrationReport? = nil) {
        self.init(result: result, config: config, trends: trends, generatedAt: generatedAt,
                  reviewed: ReviewedBatch(result.replies, reviews: reviews, scorecard: config.scorecard),
                  reviewCommand: reviewCommand, calibration: calibration)
    }

    /// With the reviews already applied to `result`'s replies (`reviewed`).
    public init(result: BatchResult, config: Configuration, trends: [String: AgentTrend] = [:], generatedAt: Date? = nil,
                reviewed: ReviewedBatch, reviewCommand: ReviewCommand = ReviewCommand(), calibration: CalibrationReport? = nil) {
        var scorecard = config.scorecard
        scorecard.autoFail = scorecard.autoFail ?? result.autoFailRules
        self.reviewed = reviewed
        self.reviewCommand = reviewCommand
        self.calibration = calibration
        self.result = result
        self.result.replies = reviewed.replies
        tone = config.tone
        summaries = reviewed.summaries
        scored = reviewed.scoredSummaries
        aggregate = Aggregator(minimumSample: scorecard.minimumSample).aggregate(scored)
        let locator = DictionaryLocator(config: config)
        let stopwords = ["relevance/stopwords.txt", "relevance/common-words.txt"].compactMap(locator.file)
            .flatMap(DictionaryLocator.wordList)
        models = ModelReplies(replies: result.replies, stopwords: Set(stopwords.map { $0.lowercased() }))
        self.scorecard = scorecard
        self.trends = trends
        self.generatedAt = generatedAt
        let present = Set(summaries.flatMap(\.categories.keys))
        categories = Category.allCases.map(\.rawValue).filter { present.contains($0) }
    }

    static func iso(_ date: Date) -> String { date.iso8601 }

    /// The reply an area's first example comes from, among the agent's replies.
    public func exampleReply(_ area: Area, of agent: AgentAggregate) -> Int? {
        guard let file = area.examples.first?.file else { return nil }
        return agent.replies.first { summaries[$0].file == file }
    }

    /// A teammate's reply to the same situation that scored well in the area's category.
    public func modelReply(for area: Area, of agent: AgentAggregate) -> ModelReply? {
        guard let example = exampleReply(area, of: agent) else { return nil }
        return models.model(category: area.category, example: example, agent: agent.agent, summaries: scored, records: result.replies)
    }
}

/// Where a coach's dispute goes: the report folder and history file of the run, as given.
public struct ReviewCommand: Sendable, Hashable {
    public var report: String?
    public var history: String?
    public init(report: String? = nil, history: String? = nil) { self.report = report; self.history = history }
}

/// `report.json`, schema `replyqa.report/1`.
struct ReportDocument: Encodable {
    static let schema = "replyqa.report/1"

    struct Inputs: Encodable {
        var filesRead: Int
        var replies: Int
        var customerMessages: Int
        var skipped: [SkippedInput]
        var failed: [IngestError]
        enum CodingKeys: String, CodingKey {
            case filesRead = "files_read", replies, customerMessages = "customer_messages", skipped, failed
        }
    }
    struct Scorecard: Encodable {
        var weights: [String: Double]
        var penalties: [String: Double]
        var autoFail: [String]
        var minSample: Int
        enum CodingKeys: String, CodingKey { case weights, penalties, autoFail = "auto_fail", minSample = "min_sample" }
    }
    struct Agent: Encodable {
        var agent: String
        var page: String
        var stats: GroupStats
        var channels: [String: GroupStats]
        var strengths: [Area]
        var improvements: [Area]
        var misspellings: [AgentAggregate.Count]
        var trend: AgentTrend?
        var replies: [String]
        /// Per improvement area (by category): the teammate's reply shown as a model.
        var models: [String: Model]
    }
    struct Model: Encodable {
        var reply: String
        var agent: String
        var situation: String
        var score: Int
    }
    struct Channel: Encodable {
        var channel: String
        var page: String
        var stats: GroupStats
        var replies: [String]
    }
    struct Cell: Encodable {
        var agent: String
        var channel: String
        var stats: GroupStats
    }
    struct Worst: Encodable {
        var id: String
        var file: String
        var agent: String
        var channel: String
        var overall: Int
        var reasons: [String]
    }
    struct Cluster: Encodable {
        var size: Int
        var agents: [String]
        var macro: String?
        var replies: [String]
        var sample: String
    }
    struct Reply: Encodable {
        var id: String
        var file: String
        var messageID: String?
        var agent: String
        var channel: String
        var date: String?
        var week: String?
        var words: Int
        var overall: Int
        var autoFailed: [String]
        var categories: [String: Int]
        var tone: String?
        var findings: [FindingOut]
        var rescored: [String: Rescored]?
        enum CodingKeys: String, CodingKey {
            case id, file, messageID = "message_id", agent, channel, date, week, words, overall
            case autoFailed = "auto_failed", categories, tone, findings, rescored
        }
    }
    /// A finding with its fingerprint and, when reviewed, the review.
    struct FindingOut: Encodable {
        var summary: FindingSummary
        var fingerprint: String
        var disputed: Bool
        var review: ReviewOut?
        enum CodingKeys: String, CodingKey { case fingerprint, disputed, review }
        func encode(to encoder: Encoder) throws {
            try summary.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(fingerprint, forKey: .fingerprint)
            try c.encode(disputed, forKey: .disputed)
            try c.encodeIfPresent(review, forKey: .review)
        }
    }
    struct ReviewOut: Encodable {
        var verdict: String
        var reviewer: String
        var note: String
        var date: String
        var pattern: Bool
        init(_ r: Review) {
            verdict = r.verdict.rawValue; reviewer = r.reviewer; note = r.note; date = r.date; pattern = r.reply == Review.anyReply
        }
    }
    /// A category score a reviewer replaced: ReplyQA's, and the reviewer's (now in `categories`).
    struct Rescored: Encodable {
        var replyqa: Int
        var reviewer: Int
        var by: String
        var note: String
    }

    let schema = ReportDocument.schema
    var generatedAt: String?
    var inputs: Inputs
    var scorecard: Scorecard
    var team: GroupStats
    var agents: [Agent]
    var channels: [Channel]
    var matrix: [Cell]
    var problems: [Problem]
    var worst: [Worst]
    var clusters: [Cluster]
    var replies: [Reply]
    var disputes: [RuleDisputes]
    var calibration: CalibrationReport?

    enum CodingKeys: String, CodingKey {
        case schema, generatedAt = "generated_at", inputs, scorecard, team, agents, channels, matrix, problems, worst, clusters,
            replies, disputes
        case calibration
    }

    /// `withReplies: false` leaves `replies` empty, for `write(_:to:)`, which adds them one at a time.
    init(_ m: ReportModel, withReplies: Bool = true) {
        let s = m.summaries
        generatedAt = m.generatedAt.map { ReportModel.iso($0) }
        inputs = Inputs(filesRead: m.result.filesRead, replies: s.count, customerMessages: m.result.customerMessages,
                        skipped: m.result.skipped, failed: m.result.failures)
        scorecard = Scorecard(weights: m.scorecard.weights, penalties: m.scorecard.penalties,
                              autoFail: m.scorecard.autoFail ?? [], minSample: m.scorecard.minimumSample)
        team = m.aggregate.team
        agents = m.aggregate.agents.map {
            Agent(agent: $0.agent, page: "agents/\($0.slug).html", stats: $0.stats, channels: $0.channels, strengths: $0.strengths,
                  improvements: $0.improvements, misspellings: $0.misspellings, trend: m.trends[$0.agent],
                      replies: $0.replies.map { s[$0].id },
                  models: Self.models($0, m))
        }
        channels = m.aggregate.channels.map {
            Channel(channel: $0.channel, page: "channels/\($0.slug).html", stats: $0.stats, replies: $0.replies.map { s[$0].id })
        }
        matrix = m.aggregate.agents.flatMap { a in
            a.channels.keys.sorted().map { Cell(agent: a.agent, channel: $0, stats: a.channels[$0]!) }
        }
        problems = m.aggregate.problems
        worst = m.aggregate.worst.map { w in
            let r = s[w.index]
            return Worst(id: r.id, file: r.file, agent: r.agent, channel: r.channel, overall: w.overall, reasons: w.reasons)
        }
        clusters = m.result.clusters.map { c in
            Cluster(size: c.members.count, agents: c.agents, macro: c.macro, replies: c.members.map { s[$0].id },
                    sample: String(m.result.replies[c.members[0]].redactedAuthored.prefix(160)))
        }
        replies = withReplies ? s.indices.map { Self.reply($0, m) } : []
        disputes = m.reviewed.disputeRates
        calibration = m.calibration
    }

    /// The document's entry for reply `i`.
    static func reply(_ i: Int, _ m: ReportModel) -> Reply {
        let r = m.summaries[i]
        let reviews = m.reviewed.findingReviews[i]
        let findings = r.findings.enumerated().map { k, f in
            FindingOut(summary: f, fingerprint: Review.fingerprint(reply: r.id, rule: f.rule, text: f.text),
                    disputed: m.reviewed.isDisputed(i, k), review: reviews[k].map(ReviewOut.init))
        }
        let rescored = m.reviewed.rescored[i].mapValues {
            Rescored(replyqa: $0.replyqa, reviewer: $0.review.score ?? 0, by: $0.review.reviewer, note: $0.review.note)
        }
        return Reply(id: r.id, file: r.file, messageID: r.messageID, agent: r.agent, channel: r.channel,
                     date: r.date.map { ReportModel.iso($0) }, week: r.week, words: r.words, overall: r.overall,
                     autoFailed: r.autoFailed, categories: r.categories, tone: r.toneLabel, findings: findings,
                     rescored: rescored.isEmpty ? nil : rescored)
    }

    static func models(_ agent: AgentAggregate, _ m: ReportModel) -> [String: Model] {
        var out: [String: Model] = [:]
        for area in agent.improvements {
            if let pick = m.modelReply(for: area, of: agent) {
                let r = m.summaries[pick.index]
                out[area.category] = Model(reply: r.id, agent: r.agent, situation: pick.situation, score: pick.score)
            }
        }
        return out
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func json() throws -> Data { try Self.encoder().encode(self) }

    /// Writes the document for `m` with the same bytes as `ReportDocument(m).json()`, encoding one
    /// reply at a time so that a large batch's report is never held whole in memory.
    static func write(_ m: ReportModel, to sink: OutputSink) throws {
        let encoder = encoder()
        guard !m.summaries.isEmpty else { return try sink.append(encoder.encode(ReportDocument(m))) }
        let frame = try encoder.encode(ReportDocument(m, withReplies: false))
        // The top-level "replies" member is the only one indented by two spaces.
        let slot = Data("\n  \"replies\" : [\n\n  ]".utf8)
        guard let range = frame.range(of: slot) else { return try sink.append(encoder.encode(ReportDocument(m))) }
        try sink.append(frame[..<range.lowerBound])
        try sink.append("\n  \"replies\" : [\n")
        for i in m.summaries.indices {
            if i > 0 { try sink.append(",\n") }
            // An element of the top-level array sits four spaces in; JSON strings hold no raw newline.
            let element = try encoder.encode(reply(i, m))
            var start = element.startIndex
            while start < element.endIndex {
                let end = element[start...].firstIndex(of: UInt8(ascii: "\n")) ?? element.endIndex
                if start > element.startIndex { try sink.append("\n") }
                // The encoder writes an empty container's blank line with no indentation.
                if end > start { try sink.append("    ") }
                try sink.append(element[start..<end])
                start = end == element.endIndex ? end : element.index(after: end)
            }
        }
        try sink.append("\n  ]")
        try sink.append(frame[range.upperBound...])
    }
}

/// `replies.csv` (one row per reply) and `agents.csv` (one row per agent x channel, plus each agent's total).
enum CSVTables {
    static func field(_ s: String) -> String { CSVField.quoted(s) }

    static func row(_ fields: [String]) -> String { CSVField.row(fields) }

    static func number(_ x: Double?) -> String {
        guard let x else { return "" }
        return x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
    }

    static func replies(_ m: ReportModel) -> String {
        var out = ""
        replies(m) { out += $0 }
        return out
    }

    /// `replies.csv` a row at a time.
    static func replies(_ m: ReportModel, emit: (String) throws -> Void) rethrows {
        try emit(row(["id", "file", "message_id", "agent", "channel", "date", "week", "words", "overall", "auto_failed", "tone",
                      "errors", "warnings", "infos"] + m.categories + ["disputed"]))
        for (i, r) in m.summaries.enumerated() {
            // Disputed findings are not counted by severity: they count as disputed.
            let kept = r.findings.indices.filter { !m.reviewed.isDisputed(i, $0) }.map { r.findings[$0] }
            let counts = [Severity.error, .warning, .info].map { s in String(kept.filter { $0.severity == s }.count) }
            try emit(row([r.id, r.file, r.messageID ?? "", r.agent, r.channel, r.date.map { ReportModel.iso($0) } ?? "",
                          r.week ?? "", String(r.words), String(r.overall), r.autoFailed.joined(separator: " "), r.toneLabel ?? ""]
                         + counts + m.categories.map { r.categories[$0].map(String.init) ?? "" } + [String(r.findings.count - kept.count)]))
        }
    }

    static func agents(_ m: ReportModel) -> String {
        var out = row(["agent", "channel", "replies", "too_few", "overall_mean", "overall_low", "overall_high", "auto_fail_rate",
                       "with_errors_rate", "language_errors_per_100_words"] + m.categories)
        for a in m.aggregate.agents {
            for (channel, s) in a.channels.sorted(by: { $0.key < $1.key }) + [("all", a.stats)] {
                out += row([a.agent, channel, String(s.replies), s.tooFew ? "yes" : "no", number(s.overall.mean), number(s.overall.low),
                            number(s.overall.high), String(format: "%.3f", s.autoFail.rate), String(format: "%.3f", s.withErrors.rate),
                            String(format: "%.2f", s.languageErrorsPer100Words)]
                           + m.categories.map { number(s.categories[$0]?.mean) })
            }
        }
        return out
    }
}
