/// How a 0-100 score reads on the report's pages: good from 85, poor below 60, fair between.
/// The one place the bands are set; every table, chart and legend colours by them.
public enum ScoreBand: Sendable, CaseIterable {
    case good, fair, poor

    /// Scores from here up are good.
    public static let goodFrom = 85
    /// Scores below this are poor.
    public static let poorBelow = 60

    public init(_ score: Double) {
        self = score >= Double(Self.goodFrom) ? .good : score < Double(Self.poorBelow) ? .poor : .fair
    }

    public init(_ score: Int) { self.init(Double(score)) }

    /// The class a score of this band gets on the pages ("score good").
    var scoreClass: String {
        switch self {
        case .good: return "good"
        case .fair: return ""
        case .poor: return "bad"
        }
    }

    /// The class of a table cell shaded by band.
    var cellClass: String {
        switch self {
        case .good: return "s-good"
        case .fair: return "s-mid"
        case .poor: return "s-bad"
        }
    }

    /// The chart colour of the band.
    var colour: String {
        switch self {
        case .good: return "#58a66c"
        case .fair: return "#e0b44c"
        case .poor: return "#d9695f"
        }
    }

    /// How the charts' legend names the band.
    var legend: String {
        switch self {
        case .good: return "\(Self.goodFrom) or more"
        case .fair: return "\(Self.poorBelow) to \(Self.goodFrom)"
        case .poor: return "below \(Self.poorBelow)"
        }
    }
}
