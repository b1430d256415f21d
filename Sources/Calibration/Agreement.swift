import Foundation
import ReplyQACore

/// How a category is rated: a 0-100 score, or pass/fail.
public enum RatingScale: String, Codable, Sendable {
    case score
    case passFail = "pass-fail"
}

/// A chance-corrected agreement figure with its bootstrap 95% interval and the data behind it.
public struct Agreement: Codable, Hashable, Sendable {
    /// "quadratic-weighted kappa", "Cohen's kappa", "Krippendorff's alpha (interval)" or "(nominal)".
    public var statistic: String
    /// Nil when it is undefined: no variation at all in the ratings (nothing to agree beyond chance on).
    public var value: Double?
    /// The percentile bootstrap interval (2.5% and 97.5% of the resampled values).
    public var low: Double?
    public var high: Double?
    /// Replies behind the figure.
    public var replies: Int
    /// Rating pairs (kappa) or pairable ratings (alpha) behind the figure.
    public var ratings: Int
    /// Share of pairs that agree exactly (pass/fail), or the mean of ReplyQA minus the reviewer
    /// (scores; positive when ReplyQA scores higher).
    public var observed: Double?

    /// The usual reading of the figure: Landis and Koch's bands for kappa, Krippendorff's
    /// thresholds for alpha.
    public var reading: String {
        guard let v = value else { return "undefined (no variation in the ratings)" }
        if statistic.hasPrefix("Krippendorff") {
            return v >= 0.8 ? "reliable (α ≥ 0.80)" : v >= 0.667 ? "tentative (0.667 ≤ α < 0.80)" : "not reliable (α < 0.667)"
        }
        switch v {
        case ..<0: return "worse than chance"
        case ..<0.2: return "slight"
        case ..<0.4: return "fair"
        case ..<0.6: return "moderate"
        case ..<0.8: return "substantial"
        default: return "almost perfect"
        }
    }
}

/// The agreement statistics, on plain numbers (pass = 1, fail = 0 on the pass/fail scale).
public enum AgreementStatistics {
    /// Cohen's kappa for two raters over nominal ratings: (observed − expected) / (1 − expected),
    /// the expected agreement from each rater's own marginals. Nil without variation.
    public static func cohenKappa(_ pairs: [(Double, Double)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        var a: [Double: Double] = [:], b: [Double: Double] = [:]
        var agree = 0.0
        for (x, y) in pairs {
            a[x, default: 0] += 1; b[y, default: 0] += 1
            if x == y { agree += 1 }
        }
        let po = agree / n
        let pe = a.reduce(0.0) { $0 + ($1.value / n) * ((b[$1.key] ?? 0) / n) }
        guard pe < 1 else { return nil }
        return (po - pe) / (1 - pe)
    }

    /// Cohen's kappa with quadratic weights, for scores: 1 − Σ(x−y)² / ((1/n) Σᵢ Σⱼ (xᵢ − yⱼ)²).
    /// The denominator is the disagreement expected if the two raters' scores were paired at
    /// random. On numbers it needs no binning (and equals Lin's concordance correlation).
    public static func quadraticKappa(_ pairs: [(Double, Double)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, observed = 0.0
        for (x, y) in pairs {
            sx += x; sy += y; sxx += x * x; syy += y * y
            observed += (x - y) * (x - y)
        }
        let expected = sxx + syy - 2 * sx * sy / n
        guard expected > 1e-12 else { return nil }
        return 1 - observed / expected
    }

    /// Krippendorff's alpha over units (one list of ratings per unit, any number of raters, missing
    /// ratings allowed): 1 − observed / expected disagreement, with the squared difference
    /// (`interval`) or unequal-or-not (nominal) as the distance. Units with one rating are not
    /// pairable and are left out. Nil without variation.
    public static func krippendorffAlpha(_ units: [[Double]], interval: Bool) -> Double? {
        let pairable = units.filter { $0.count >= 2 }
        let n = Double(pairable.reduce(0) { $0 + $1.count })
        guard n > 1 else { return nil }
        // Σ over ordered pairs i ≠ j of the distance, in one pass per unit.
        func disagreement(_ values: [Double]) -> Double {
            let m = Double(values.count)
            if interval {
                let s = values.reduce(0, +), ss = values.reduce(0) { $0 + $1 * $1 }
                return 2 * m * ss - 2 * s * s
            }
            var counts: [Double: Double] = [:]
            for v in values { counts[v, default: 0] += 1 }
            return m * m - counts.values.reduce(0) { $0 + $1 * $1 }
        }
        let observed = pairable.reduce(0.0) { $0 + disagreement($1) / Double($1.count - 1) } / n
        let expected = disagreement(pairable.flatMap { $0 }) / (n * (n - 1))
        guard expected > 1e-12 else { return nil }
        return 1 - observed / expected
    }

    /// The 2.5% and 97.5% percentiles of the values (nearest rank).
    public static func percentileInterval(_ values: [Double]) -> (Double, Double)? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))] }
        return (at(0.025), at(0.975))
    }
}
