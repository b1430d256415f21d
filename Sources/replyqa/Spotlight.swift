import Foundation
import ReplyPipeline
import ReplyQACore

/// A risk-weighted draw beside the stratified sample: replies with errors, auto-fails, low
/// relevance, long threads or distressed customers are the ones worth a reviewer's time. Each
/// drawn reply says why. It is drawn from the replies the stratified sample left, so that share
/// stays a fair sample and its statistics stay honest.
struct SpotlightSample {
    /// One reason a reply is risky, and what it weighs.
    struct Risk: Equatable {
        var weight: Double
        var reason: String
    }

    struct Pick: Equatable {
        var index: Int
        var weight: Double
        var reasons: [String]
    }

    var count: Int
    var seed: UInt64

    /// Relevance below this is low.
    static let lowRelevance = 0.3
    /// A thread this long (earlier messages quoted or answered) needs more care.
    static let longThread = 3

    /// The risks of one reply; none for a reply with nothing to look at.
    static func risks(_ r: ReplyRecord) -> [Risk] {
        var out: [Risk] = []
        if let failed = r.score?.autoFailed, !failed.isEmpty {
            out.append(Risk(weight: 8, reason: "auto-fail (\(failed.joined(separator: ", ")))"))
        }
        // Auto-fails and an ignored question are risks of their own, counted once.
        let errors = r.findings.filter { $0.severity == .error && $0.rule != "ignores-question"
            && !(r.score?.autoFailed.contains($0.rule) ?? false) }
        if !errors.isEmpty {
            let rules = Array(Set(errors.map(\.rule))).sorted()
            out.append(Risk(weight: 4 + Double(min(3, errors.count - 1)),
                            reason: "\(errors.count) error\(errors.count == 1 ? "" : "s") (\(rules.joined(separator: ", ")))"))
        }
        if r.findings.contains(where: { $0.rule == "ignores-question" }) {
            out.append(Risk(weight: 3, reason: "ignores the question"))
        } else if let relevance = r.relevance, relevance.score < lowRelevance {
            out.append(Risk(weight: 3, reason: String(format: "low relevance (%.2f)", relevance.score)))
        }
        let thread = threadLength(r)
        if thread >= longThread { out.append(Risk(weight: 2, reason: "long thread (\(thread) earlier messages)")) }
        if r.tone?.distressed == true { out.append(Risk(weight: 3, reason: "distressed customer")) }
        return out
    }

    /// Earlier messages of the thread: each message the quoted history introduces ("On ... wrote:",
    /// "-----Original Message-----", a "From:" block), and at least the customer's message answered.
    static func threadLength(_ r: ReplyRecord) -> Int {
        func introduces(_ line: Substring) -> Bool {
            let t = line.drop { $0 == ">" || $0 == " " }.trimmingCharacters(in: .whitespaces)
            return (t.hasPrefix("On ") && t.hasSuffix("wrote:")) || t.contains("Original Message") || t.hasPrefix("From: ")
        }
        let header = (r.segments.quoteHeader ?? "").split(whereSeparator: \.isNewline)
        let quoted = (r.segments.quoted ?? "").split(whereSeparator: \.isNewline)
        var lines = Set<String>()
        for line in header + quoted where introduces(line) { lines.insert(String(line)) }
        // Quoted blocks without any attribution still hold one message.
        let messages = max(lines.count, quoted.isEmpty ? 0 : 1)
        return max(messages, r.reply.question == nil ? 0 : 1)
    }

    /// Up to `count` risky replies not in `taken`, drawn with probability growing with their risk
    /// (weighted sampling without replacement, Efraimidis and Spirakis: the largest u^(1/w)), in
    /// input order. A reply without a risk is never drawn.
    func draw(_ replies: [ReplyRecord], excluding taken: Set<Int>) -> [Pick] {
        // Its own stream: asking for a spotlight never changes the stratified draw.
        var rng = SeededRandom(seed: seed ^ 0x5350_4F54_4C49_4748)
        var keyed: [(key: Double, pick: Pick)] = []
        for i in replies.indices.sorted(by: { (replies[$0].location, $0) < (replies[$1].location, $1) }) {
            let u = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53)
            guard !taken.contains(i) else { continue }
            let risks = Self.risks(replies[i])
            let weight = risks.map(\.weight).reduce(0, +)
            guard weight > 0 else { continue }
            keyed.append((log(u) / weight, Pick(index: i, weight: weight, reasons: risks.map(\.reason))))
        }
        return keyed.sorted { ($0.key, $1.pick.index) > ($1.key, $0.pick.index) }.prefix(count).map(\.pick).sorted { $0.index < $1.index }
    }
}
