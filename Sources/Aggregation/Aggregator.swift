import Foundation
import ReplyQACore

/// A finding as the reports need it.
public struct FindingSummary: Codable, Hashable, Sendable {
    public var rule: String
    public var category: Category
    public var severity: Severity
    /// The text the finding covers.
    public var text: String
    /// The sentence around it (empty for findings about the whole reply).
    public var sentence: String
    public var message: String
    public init(rule: String, category: Category, severity: Severity, text: String, sentence: String = "", message: String) {
        self.rule = rule; self.category = category; self.severity = severity; self.text = text; self.sentence = sentence
        self.message = message
    }
}

/// A sentence that earned a tone dimension points, as evidence of a strength.
public struct EvidenceSummary: Codable, Hashable, Sendable {
    public var category: Category
    /// The phrase that earned or cost the points, and the sentence around it.
    public var text: String
    public var sentence: String
    public var points: Double
    public var note: String?
    public init(category: Category, text: String, sentence: String = "", points: Double, note: String?) {
        self.category = category; self.text = text; self.sentence = sentence; self.points = points; self.note = note
    }
}

/// What aggregation keeps of one scored reply: compact, no message body beyond the authored text.
public struct ReplySummary: Codable, Hashable, Sendable {
    /// A content hash: the same reply in a later run has the same id.
    public var id: String
    public var file: String
    public var messageID: String?
    public var agent: String
    public var channel: String
    public var date: Date?
    /// ISO week of the reply's date ("2026-W47"), when it has one.
    public var week: String?
    public var words: Int
    public var overall: Int
    public var categories: [String: Int]
    public var autoFailed: [String]
    public var findings: [FindingSummary]
    public var toneLabel: String?
    public var tone: [String: Int]
    public var evidence: [EvidenceSummary]

    public init(id: String, file: String, messageID: String?, agent: String, channel: String, date: Date?, words: Int,
                overall: Int, categories: [String: Int], autoFailed: [String], findings: [FindingSummary],
                toneLabel: String?, tone: [String: Int], evidence: [EvidenceSummary]) {
        self.id = id; self.file = file; self.messageID = messageID; self.agent = agent; self.channel = channel
        self.date = date; self.week = date.map(Self.isoWeek); self.words = words; self.overall = overall
        self.categories = categories; self.autoFailed = autoFailed; self.findings = findings
        self.toneLabel = toneLabel; self.tone = tone; self.evidence = evidence
    }

    /// "2026-W47" for a date (ISO 8601 week, UTC).
    public static func isoWeek(_ date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
    }

    /// FNV-1a, 128 bits as two 64-bit halves: stable across runs and platforms.
    public static func contentHash(_ parts: [String]) -> String {
        var a: UInt64 = 0xcbf29ce484222325, b: UInt64 = 0x84222325cbf29ce4
        for (i, part) in parts.enumerated() {
            for byte in Array(part.utf8) + [0x1f, UInt8(i & 0xff)] {
                a = (a ^ UInt64(byte)) &* 0x100000001b3
                b = (b ^ UInt64(byte)) &* 0x100000001b3 &+ 0x9e3779b97f4a7c15
            }
        }
        return String(format: "%016llx%016llx", a, b)
    }
}

/// Statistics of a group of replies (an agent, a channel, an agent on a channel, the team).
public struct GroupStats: Codable, Hashable, Sendable {
    public var replies: Int
    /// Fewer replies than the scorecard's minimum sample: shown, but not judged.
    public var tooFew: Bool
    public var words: Int
    public var overall: MeanEstimate
    public var categories: [String: MeanEstimate]
    /// Replies failed outright (card number, hostility...).
    public var autoFail: RateEstimate
    /// Replies with at least one error-severity finding.
    public var withErrors: RateEstimate
    /// Spelling and grammar findings per 100 authored words.
    public var languageErrorsPer100Words: Double
    public var findings: [String: Int]
    public var labels: [String: Int]
    /// Mean tone dimensions (before other checkers' findings).
    public var tone: [String: Double]

    enum CodingKeys: String, CodingKey {
        case replies, tooFew = "too_few", words, overall, categories, autoFail = "auto_fail", withErrors = "with_errors"
        case languageErrorsPer100Words = "language_errors_per_100_words", findings, labels, tone
    }
}

/// A category where an agent stands out, with sentences of theirs as evidence.
public struct Area: Codable, Hashable, Sendable {
    public struct Example: Codable, Hashable, Sendable {
        /// The agent's sentence, and the phrase in it that the note is about.
        public var sentence: String
        public var phrase: String
        public var note: String
        public var file: String
    }
    public var category: String
    public var score: Double
    public var team: Double
    public var examples: [Example]
}

/// One agent's page: overall and per channel, strengths, what to coach, recurring misspellings.
public struct AgentAggregate: Codable, Hashable, Sendable {
    public struct Count: Codable, Hashable, Sendable { public var text: String; public var count: Int }
    public var agent: String
    public var slug: String
    public var stats: GroupStats
    public var channels: [String: GroupStats]
    public var strengths: [Area]
    public var improvements: [Area]
    public var misspellings: [Count]
    /// Indices of the agent's replies in the batch, in input order.
    public var replies: [Int]
}

/// One channel's page.
public struct ChannelAggregate: Codable, Hashable, Sendable {
    public var channel: String
    public var slug: String
    public var stats: GroupStats
    public var agents: [String: GroupStats]
    public var replies: [Int]
}

/// A rule that fired across the team.
public struct Problem: Codable, Hashable, Sendable {
    public var rule: String
    public var category: String
    public var severity: String
    public var count: Int
    public var replies: Int
    public var agents: [String]
}

/// A reply among the batch's worst, and why.
public struct WorstReply: Codable, Hashable, Sendable {
    public var index: Int
    public var overall: Int
    public var reasons: [String]
}

/// Everything the report shows, computed once from the reply summaries.
public struct BatchAggregate: Codable, Hashable, Sendable {
    public var team: GroupStats
    public var agents: [AgentAggregate]
    public var channels: [ChannelAggregate]
    public var problems: [Problem]
    public var worst: [WorstReply]
}

/// Rolls reply summaries up per agent, per channel and per agent x channel.
public struct Aggregator: Sendable {
    /// Below this many replies a group is "too few to judge".
    public var minimumSample: Int
    public var worstCount = 10
    public var problemCount = 15

    public init(minimumSample: Int) { self.minimumSample = minimumSample }

    public func aggregate(_ replies: [ReplySummary]) -> BatchAggregate {
        let team = stats(replies.indices.map { $0 }, replies)
        var agentSlugs = SlugMaker(), channelSlugs = SlugMaker()
        let byAgent = Dictionary(grouping: replies.indices, by: { replies[$0].agent })
        let byChannel = Dictionary(grouping: replies.indices, by: { replies[$0].channel })
        let agents = byAgent.keys.sorted().map { agent -> AgentAggregate in
            let members = byAgent[agent]!
            let channels = Dictionary(grouping: members, by: { replies[$0].channel }).mapValues { stats($0, replies) }
            let mine = stats(members, replies)
            return AgentAggregate(agent: agent, slug: agentSlugs.slug(agent), stats: mine, channels: channels,
                                  strengths: strengths(members, replies, mine, team),
                                      improvements: improvements(members, replies, mine, team),
                                  misspellings: misspellings(members, replies), replies: members)
        }
        let channels = byChannel.keys.sorted().map { channel -> ChannelAggregate in
            let members = byChannel[channel]!
            return ChannelAggregate(channel: channel, slug: channelSlugs.slug(channel), stats: stats(members, replies),
                                    agents: Dictionary(grouping: members, by: { replies[$0].agent }).mapValues { stats($0, replies) },
                                    replies: members)
        }
        return BatchAggregate(team: team, agents: agents, channels: channels, problems: problems(replies), worst: worst(replies))
    }

    func stats(_ members: [Int], _ replies: [ReplySummary]) -> GroupStats {
        let group = members.map { replies[$0] }
        let names = Set(group.flatMap(\.categories.keys)).sorted()
        var categories: [String: MeanEstimate] = [:]
        for c in names { categories[c] = Statistics.scoreMean(group.compactMap { $0.categories[c].map(Double.init) }) }
        var findings: [String: Int] = [:], labels: [String: Int] = [:], tone: [String: Double] = [:]
        for r in group {
            for f in r.findings { findings[f.severity.rawValue, default: 0] += 1 }
            if let l = r.toneLabel { labels[l, default: 0] += 1 }
        }
        for d in Set(group.flatMap(\.tone.keys)) {
            let values = group.compactMap { $0.tone[d] }
            tone[d] = Statistics.round(Double(values.reduce(0, +)) / Double(max(1, values.count)))
        }
        let words = group.map(\.words).reduce(0, +)
        let language = group.flatMap(\.findings).filter { $0.category == .spelling || $0.category == .grammar }.count
        return GroupStats(replies: group.count, tooFew: group.count < minimumSample, words: words,
                          overall: Statistics.scoreMean(group.map { Double($0.overall) }), categories: categories,
                          autoFail: Statistics.wilson(group.filter { !$0.autoFailed.isEmpty }.count, group.count),
                          withErrors: Statistics.wilson(group.filter { $0.findings.contains { $0.severity == .error } }.count, group.count),
                          languageErrorsPer100Words: words > 0 ? Statistics.round(Double(language) * 100 / Double(words), 2) : 0,
                          findings: findings, labels: labels, tone: tone)
    }

    /// The three categories where the agent is furthest below the team (or lowest), with their own sentences.
    func improvements(_ members: [Int], _ replies: [ReplySummary], _ mine: GroupStats, _ team: GroupStats) -> [Area] {
        let candidates = mine.categories.compactMap { c, m -> (String, Double, Double, [Area.Example])? in
            // Only what can be shown can be coached (an example sentence), and only where it matters.
            guard m.mean < 90 else { return nil }
            let examples = self.examples(members, replies, category: c, positive: false)
            guard !examples.isEmpty else { return nil }
            return (c, m.mean, team.categories[c]?.mean ?? m.mean, examples)
        }
        return candidates.sorted { ($0.1 - $0.2, $0.1, $0.0) < ($1.1 - $1.2, $1.1, $1.0) }.prefix(3)
            .map { Area(category: $0.0, score: $0.1, team: $0.2, examples: $0.3) }
    }

    /// The three categories where the agent is furthest above the team, with their best sentences.
    func strengths(_ members: [Int], _ replies: [ReplySummary], _ mine: GroupStats, _ team: GroupStats) -> [Area] {
        let candidates = mine.categories.compactMap { c, m -> (String, Double, Double, [Area.Example])? in
            let t = team.categories[c]?.mean ?? m.mean
            guard m.mean >= 80, m.mean >= t else { return nil }
            let examples = self.examples(members, replies, category: c, positive: true)
            guard !examples.isEmpty else { return nil }
            return (c, m.mean, t, examples)
        }
        return candidates.sorted { ($1.1 - $1.2, $1.1, $0.0) < ($0.1 - $0.2, $0.1, $1.0) }.prefix(3)
            .map { Area(category: $0.0, score: $0.1, team: $0.2, examples: $0.3) }
    }

    /// Up to three distinct sentences of the agent's: findings (warning or above) for weaknesses, earned points for strengths.
    func examples(_ members: [Int], _ replies: [ReplySummary], category: String, positive: Bool) -> [Area.Example] {
        var out: [Area.Example] = [], seen = Set<String>()
        func add(_ phrase: String, _ sentence: String, _ note: String, _ file: String) {
            let shown = sentence.isEmpty ? phrase : sentence
            guard !shown.isEmpty, out.count < 3, seen.insert(shown.lowercased()).inserted else { return }
            out.append(Area.Example(sentence: String(shown.prefix(300)), phrase: phrase.count <= 300 ? phrase : "", note: note, file: file))
        }
        func points(_ e: EvidenceSummary) -> String {
            let verb = e.points > 0 ? "earns" : "costs"
            return "\(verb) \(Statistics.round(abs(e.points))) points of \(category)" + (e.note.map { " (\($0))" } ?? "")
        }
        for i in members {
            let r = replies[i]
            if positive {
                for e in r.evidence.filter({ $0.category.rawValue == category && $0.points > 0 }).sorted(by: { $0.points > $1.points }) {
                    add(e.text, e.sentence, points(e), r.file)
                }
            } else {
                // Coaching rests on findings a reviewer would stand behind (warning or above), never
                // on a cue that only nudged a score or on an info-level hint.
                for f in r.findings.filter({ $0.category.rawValue == category && $0.severity >= .warning })
                    .sorted(by: { $0.severity > $1.severity }) {
                    add(f.text, f.sentence, f.message, r.file)
                }
            }
        }
        return out
    }

    /// The agent's misspellings, most frequent first: coaching material when they recur.
    func misspellings(_ members: [Int], _ replies: [ReplySummary]) -> [AgentAggregate.Count] {
        var counts: [String: Int] = [:]
        for i in members { for f in replies[i].findings where f.rule == "spelling" { counts[f.text.lowercased(), default: 0] += 1 } }
        return counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(10)
            .map { AgentAggregate.Count(text: $0.key, count: $0.value) }
    }

    func problems(_ replies: [ReplySummary]) -> [Problem] {
        var byRule: [String: (FindingSummary, Int, Set<Int>, Set<String>)] = [:]
        for (i, r) in replies.enumerated() {
            for f in r.findings {
                var entry = byRule[f.rule] ?? (f, 0, [], [])
                entry.1 += 1; entry.2.insert(i); entry.3.insert(r.agent)
                byRule[f.rule] = entry
            }
        }
        return byRule.values.map { Problem(rule: $0.0.rule, category: $0.0.category.rawValue, severity: $0.0.severity.rawValue,
                                            count: $0.1, replies: $0.2.count, agents: $0.3.sorted()) }
            .sorted { ($1.replies, $1.count, $0.rule) < ($0.replies, $0.count, $1.rule) }
            .prefix(problemCount).map { $0 }
    }

    /// Failed replies first, then the lowest overall scores.
    func worst(_ replies: [ReplySummary]) -> [WorstReply] {
        let order = replies.indices.sorted {
            let a = replies[$0], b = replies[$1]
            return (a.autoFailed.isEmpty ? 1 : 0, a.overall, $0) < (b.autoFailed.isEmpty ? 1 : 0, b.overall, $1)
        }
        return order.prefix(worstCount).map { i in
            let r = replies[i]
            var reasons = r.autoFailed.map { "failed: \($0)" }
            if let l = r.toneLabel, ["hostile", "curt", "robotic"].contains(l) { reasons.append("tone: \(l)") }
            for f in r.findings.filter({ $0.severity == .error && !r.autoFailed.contains($0.rule) }).prefix(3) { reasons.append(f.rule) }
            if reasons.isEmpty { reasons = r.findings.filter { $0.severity == .warning }.prefix(3).map(\.rule) }
            return WorstReply(index: i, overall: r.overall, reasons: reasons)
        }
    }
}

/// File-name-safe, unique names for pages ("Lucía Fernández" -> "lucia-fernandez").
public struct SlugMaker: Sendable {
    var used = Set<String>()
    public init() {}
    public mutating func slug(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive],
                                  locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var s = String(folded.unicodeScalars.map { ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) ? Character($0) : "-" })
        while s.contains("--") { s = s.replacingOccurrences(of: "--", with: "-") }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if s.isEmpty { s = "unnamed" }
        s = String(s.prefix(60))
        var candidate = s, k = 2
        while used.contains(candidate) { candidate = "\(s)-\(k)"; k += 1 }
        used.insert(candidate)
        return candidate
    }
}
