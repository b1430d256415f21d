import Foundation

/// One agent's mean overall score in one week.
public struct WeekPoint: Codable, Hashable, Sendable {
    public var week: String
    public var overall: MeanEstimate
    public init(week: String, overall: MeanEstimate) { self.week = week; self.overall = overall }
}

/// How an agent's score moved between the last two weeks on record.
public struct TrendChange: Codable, Hashable, Sendable {
    public var from: String
    public var to: String
    public var delta: Double
    /// Larger than the noise of both weeks' means (95%); only then is it called a change.
    public var clear: Bool
    public var summary: String
}

/// An agent's weekly scores from the history, oldest first.
public struct AgentTrend: Codable, Hashable, Sendable {
    public var agent: String
    public var weeks: [WeekPoint]
    public var change: TrendChange?

    public init(agent: String, weeks: [WeekPoint]) {
        self.agent = agent
        self.weeks = weeks.sorted { $0.week < $1.week }
        change = Self.change(self.weeks)
    }

    static func change(_ weeks: [WeekPoint]) -> TrendChange? {
        guard weeks.count >= 2 else { return nil }
        let a = weeks[weeks.count - 2], b = weeks[weeks.count - 1]
        let delta = Statistics.round(b.overall.mean - a.overall.mean)
        let clear = Statistics.clearlyDifferent(a.overall, b.overall)
        let summary: String
        if clear {
            summary =
                "\(delta > 0 ? "Up" : "Down") \(String(format: "%.1f", abs(delta))) points from \(a.week) to \(b.week), more than the " +
                    "noise."
        } else {
            summary =
                "No clear change from \(a.week) to \(b.week) " +
                    "(\(delta >= 0 ? "+" : "")\(String(format: "%.1f", delta)) points is within the noise)."
        }
        return TrendChange(from: a.week, to: b.week, delta: delta, clear: clear, summary: summary)
    }
}
