import Foundation

/// A mean with its 95% confidence interval (Student's t; no interval below two values).
public struct MeanEstimate: Codable, Hashable, Sendable {
    public var n: Int
    public var mean: Double
    public var low: Double?
    public var high: Double?
    /// The standard error of the mean (nil below two values).
    public var standardError: Double?

    enum CodingKeys: String, CodingKey { case n, mean, low, high, standardError = "standard_error" }

    public init(n: Int, mean: Double, low: Double?, high: Double?, standardError: Double?) {
        self.n = n; self.mean = mean; self.low = low; self.high = high; self.standardError = standardError
    }
}

/// A proportion with its 95% Wilson score interval.
public struct RateEstimate: Codable, Hashable, Sendable {
    public var count: Int
    public var n: Int
    public var rate: Double
    public var low: Double
    public var high: Double
}

/// The statistics of the reports: small, exact, and rounded so output bytes are stable.
public enum Statistics {
    /// Two-sided 95% critical values of Student's t for 1...30 degrees of freedom.
    static let t95: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]

    public static func tCritical(degreesOfFreedom df: Int) -> Double {
        if df < 1 { return .infinity }
        if df <= 30 { return t95[df - 1] }
        if df <= 60 { return 2.0 }
        if df <= 120 { return 1.98 }
        return 1.96
    }

    /// Scores run from 0 to 100: their intervals are clipped to that range.
    public static func scoreMean(_ values: [Double]) -> MeanEstimate {
        var m = mean(values)
        m.low = m.low.map { max(0, $0) }
        m.high = m.high.map { min(100, $0) }
        return m
    }

    public static func mean(_ values: [Double]) -> MeanEstimate {
        let n = values.count
        guard n > 0 else { return MeanEstimate(n: 0, mean: 0, low: nil, high: nil, standardError: nil) }
        let m = values.reduce(0, +) / Double(n)
        guard n > 1 else { return MeanEstimate(n: 1, mean: round(m), low: nil, high: nil, standardError: nil) }
        let variance = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)
        let se = (variance / Double(n)).squareRoot()
        let half = tCritical(degreesOfFreedom: n - 1) * se
        return MeanEstimate(n: n, mean: round(m), low: round(m - half), high: round(m + half), standardError: round(se, 3))
    }

    /// Wilson's interval keeps small samples honest: 0 of 3 is not "0%, certain".
    public static func wilson(_ k: Int, _ n: Int) -> RateEstimate {
        guard n > 0 else { return RateEstimate(count: 0, n: 0, rate: 0, low: 0, high: 1) }
        let z = 1.96, p = Double(k) / Double(n), nn = Double(n)
        let denominator = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denominator
        let half = z * ((p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()) / denominator
        return RateEstimate(count: k, n: n, rate: round(p, 3), low: round(max(0, centre - half), 3), high: round(min(1, centre + half), 3))
    }

    /// Whether two means differ by more than their noise (95%, normal approximation of the difference).
    public static func clearlyDifferent(_ a: MeanEstimate, _ b: MeanEstimate) -> Bool {
        guard let sa = a.standardError, let sb = b.standardError else { return false }
        let se = (sa * sa + sb * sb).squareRoot()
        return se > 0 ? abs(a.mean - b.mean) > 1.96 * se : a.mean != b.mean
    }

    public static func round(_ x: Double, _ places: Int = 1) -> Double {
        let f = pow(10, Double(places))
        return (x * f).rounded() / f
    }
}
