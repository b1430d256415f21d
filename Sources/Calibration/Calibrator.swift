import Foundation
import ReplyQACore

/// One rating a reviewer gave: a reply (by id or file, as the reviewer wrote it), a category or
/// `overall`, and a score or pass/fail.
public struct HumanRating: Sendable, Hashable {
    public var reply: String
    public var reviewer: String
    public var category: String
    /// A 0-100 score, or 1 (pass) / 0 (fail).
    public var value: Double
    public var scale: RatingScale
    /// The line of the reviews file it was read from.
    public var line: Int

    public init(reply: String, reviewer: String, category: String, value: Double, scale: RatingScale, line: Int = 0) {
        self.reply = reply; self.reviewer = reviewer; self.category = category; self.value = value; self.scale = scale; self.line = line
    }
}

/// A reviewers' file that could not be read: one `file:line: error: ...` line per problem.
public struct HumanReviewsError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// `HUMAN.csv`: `reply` (the report's reply id, or the reply's file), `reviewer`, `category` (a
/// rubric category or `overall`) and `score` (0-100, or pass/fail).
public enum HumanReviews {
    static let passWords: Set<String> = ["pass", "passed", "yes", "y", "true", "ok"]
    static let failWords: Set<String> = ["fail", "failed", "no", "n", "false"]

    /// Reads the file; every bad row is named (by line) and nothing is used until all are good.
    /// `categories` are the names a row may give (besides `overall`).
    public static func parse(csv text: String, name: String, categories: [String]) throws -> [HumanRating] {
        let table: CSVRecords
        do { table = try CSVRecords.parse(text) } catch { throw HumanReviewsError(
            problems: ["\(name):\(error.line): error: \(error.message)"]) }
        let replyColumn = table.column("reply", "reply_id", "id", "file")
        let reviewerColumn = table.column("reviewer", "rater", "grader")
        let categoryColumn = table.column("category")
        let scoreColumn = table.column("score", "result", "rating", "value")
        var missing: [String] = []
        if replyColumn == nil { missing.append("reply (or reply_id, id, file)") }
        if reviewerColumn == nil { missing.append("reviewer") }
        if categoryColumn == nil { missing.append("category") }
        if scoreColumn == nil { missing.append("score (or result, rating)") }
        guard missing.isEmpty else {
            throw HumanReviewsError(
                problems: ["\(name):1: error: the header needs the columns \(missing.joined(separator: ", ")); found " +
                    "\(table.header.joined(separator: ", "))"])
        }
        let known = Set(categories + ["overall"])
        var problems: [String] = []
        var ratings: [HumanRating] = []
        var seen: [String: Int] = [:]
        for record in table.records {
            func field(_ c: Int?) -> String {
                guard let c, c < record.fields.count else { return "" }
                return CSVRecords.unguarded(record.fields[c]).trimmingCharacters(in: .whitespaces)
            }
            let place = "\(name):\(record.line)"
            if record.fields.count > table.header.count, record.fields[table.header.count...].contains(where: { !$0.isEmpty }) {
                problems.append(
                    "\(place): error: \(record.fields.count) fields, but the header names \(table.header.count) " +
                        "(a value with a comma goes in double quotes)")
                continue
            }
            let reply = field(replyColumn), reviewer = field(reviewerColumn)
            let category = field(categoryColumn).lowercased().replacingOccurrences(of: " ", with: "-")
            let raw = field(scoreColumn)
            var bad = false
            if reply.isEmpty { problems.append(
                "\(place): error: reply: expected a reply id (as the report lists it) or the reply's file"); bad = true }
            if reviewer.isEmpty { problems.append("\(place): error: reviewer: expected who rated the reply"); bad = true }
            if !known.contains(category) {
                problems.append(
                    "\(place): error: category: expected overall or one of \(categories.joined(separator: ", ")); found " +
                        "“\(field(categoryColumn))”")
                bad = true
            }
            var value = 0.0, scale = RatingScale.score
            let word = raw.lowercased()
            if passWords.contains(word) { value = 1; scale = .passFail }
            else if failWords.contains(word) { value = 0; scale = .passFail }
            else if let v = Double(raw), v.isFinite, (0...100).contains(v) { value = v }
            else {
                problems.append("\(place): error: score: expected a score from 0 to 100, or pass or fail; found “\(raw)”")
                bad = true
            }
            if bad { continue }
            let key = "\(reply)\u{1f}\(reviewer)\u{1f}\(category)"
            if let earlier = seen[key] {
                problems.append("\(place): error: \(reviewer) rated \(category) of \(reply) already on line \(earlier); keep one rating")
                continue
            }
            seen[key] = record.line
            ratings.append(HumanRating(reply: reply, reviewer: reviewer, category: category, value: value, scale: scale, line: record.line))
        }
        guard problems.isEmpty else { throw HumanReviewsError(problems: problems) }
        return ratings
    }
}

/// Agreement in one category (or `all` categories pooled).
public struct CategoryAgreement: Codable, Hashable, Sendable {
    public var category: String
    public var scale: RatingScale
    /// Replies with a rating in the category, and the ratings.
    public var replies: Int
    public var ratings: Int
    public var reviewers: [String]
    /// ReplyQA against each reviewer's rating: Cohen's kappa (pass/fail) or quadratic-weighted kappa (scores).
    public var replyqa: Agreement?
    /// Reviewers among themselves: Krippendorff's alpha (nominal or interval) over replies rated by two or more.
    public var betweenReviewers: Agreement?

    enum CodingKeys: String, CodingKey { case category, scale, replies, ratings, reviewers, replyqa,
        betweenReviewers = "between_reviewers" }
}

/// ReplyQA against one reviewer, over every category that reviewer rated.
public struct ReviewerAgreement: Codable, Hashable, Sendable {
    public var reviewer: String
    public var agreement: Agreement
}

/// Everything `replyqa calibrate` reports.
public struct CalibrationReport: Codable, Hashable, Sendable {
    public var passMark: Double
    public var resamples: Int
    public var seed: UInt64
    /// Per category in name order, then `all` (every category pooled) last.
    public var categories: [CategoryAgreement]
    public var reviewers: [ReviewerAgreement]
    public var ratings: Int
    public var replies: Int
    /// Ratings whose reply is not in the batch (or was not scored in the category), by the reply as written.
    public var unmatched: [String]

    enum CodingKeys: String, CodingKey {
        case passMark = "pass_mark", resamples, seed, categories, reviewers, ratings, replies, unmatched
    }
}

/// Compares reviewers' ratings with ReplyQA's scores, per category and overall.
public struct Calibrator: Sendable {
    /// A score at or above this passes, where a category is rated pass/fail.
    public var passMark: Double
    /// Bootstrap resamples of the replies for each interval.
    public var resamples: Int
    public var seed: UInt64

    public init(passMark: Double = 70, resamples: Int = 1000, seed: UInt64 = 1) {
        self.passMark = passMark; self.resamples = resamples; self.seed = seed
    }

    /// One reply's ratings in one category: ReplyQA's value and each reviewer's.
    struct Item {
        var replyqa: Double
        var humans: [(reviewer: String, value: Double)]
    }

    /// `replyqa` maps each reply (by the key the ratings use, already resolved) to its scores per
    /// category (`overall` included).
    public func calibrate(_ ratings: [HumanRating], replyqa: [String: [String: Double]]) -> CalibrationReport {
        var unmatched: [String] = []
        var matched: [HumanRating] = []
        for r in ratings {
            if replyqa[r.reply]?[r.category] != nil { matched.append(r) } else { unmatched.append(r.reply) }
        }
        let byCategory = Dictionary(grouping: matched, by: \.category)
        var scales: [String: RatingScale] = [:]
        for (c, rs) in byCategory { scales[c] = rs.allSatisfy { $0.scale == .score } ? .score : .passFail }
        let pooledScale: RatingScale = scales.values.allSatisfy { $0 == .score } ? .score : .passFail

        // A reply's items (one per category) on the given scale.
        func clusters(_ rs: [HumanRating], scale: RatingScale) -> [[Item]] {
            let byReply = Dictionary(grouping: rs, by: \.reply)
            return byReply.keys.sorted().map { reply in
                let mine = byReply[reply]!
                return Dictionary(grouping: mine, by: \.category).keys.sorted().map { c in
                    let machine = replyqa[reply]![c]!
                    let humans = mine.filter { $0.category == c }.sorted { $0.reviewer < $1.reviewer }
                        .map { (reviewer: $0.reviewer, value: convert($0.value, from: $0.scale, to: scale)) }
                    return Item(replyqa: convert(machine, from: .score, to: scale), humans: humans)
                }
            }
        }

        var categories: [CategoryAgreement] = []
        var rng = SeededRandom(seed: seed)
        for c in byCategory.keys.sorted() {
            let scale = scales[c]!
            categories.append(agreement(c, scale: scale, clusters: clusters(byCategory[c]!, scale: scale), rng: &rng))
        }
        if byCategory.count > 1 {
            categories.append(agreement("all", scale: pooledScale, clusters: clusters(matched, scale: pooledScale), rng: &rng))
        }
        var reviewers: [ReviewerAgreement] = []
        for name in Set(matched.map(\.reviewer)).sorted() {
            let data = clusters(matched.filter { $0.reviewer == name }, scale: pooledScale)
            reviewers.append(ReviewerAgreement(reviewer: name, agreement: replyqaAgreement(data, scale: pooledScale, rng: &rng)))
        }
        return CalibrationReport(passMark: passMark, resamples: resamples, seed: seed, categories: categories, reviewers: reviewers,
                                 ratings: ratings.count, replies: Set(matched.map(\.reply)).count,
                                 unmatched: Array(Set(unmatched)).sorted())
    }

    func convert(_ v: Double, from: RatingScale, to: RatingScale) -> Double {
        from == to ? v : (v >= passMark ? 1 : 0)
    }

    func agreement(_ category: String, scale: RatingScale, clusters: [[Item]], rng: inout SeededRandom) -> CategoryAgreement {
        let items = clusters.flatMap { $0 }
        let reviewers = Set(items.flatMap { $0.humans.map(\.reviewer) }).sorted()
        let between = reviewers.count >= 2 ? reviewerAgreement(clusters, scale: scale, rng: &rng) : nil
        return CategoryAgreement(category: category, scale: scale, replies: clusters.count,
                                 ratings: items.reduce(0) { $0 + $1.humans.count },
                                 reviewers: reviewers, replyqa: replyqaAgreement(clusters, scale: scale, rng: &rng),
                                 betweenReviewers: (between.map { $0.ratings >= 2 } ?? false) ? between : nil)
    }

    /// ReplyQA against every reviewer rating, as pairs.
    func replyqaAgreement(_ clusters: [[Item]], scale: RatingScale, rng: inout SeededRandom) -> Agreement {
        let tallies = clusters.map { c in
            c.reduce(PairTally()) { t, item in item.humans.reduce(t) { $0.adding(item.replyqa, $1.value) } }
        }
        let total = tallies.reduce(PairTally(), +)
        let observed: Double? = total.n == 0 ? nil : scale == .score ? total.sumDifference / total.n : total.agree / total.n
        let interval = bootstrap(tallies, rng: &rng) { $0.kappa(scale) }
        return Agreement(statistic: scale == .score ? "quadratic-weighted kappa" : "Cohen's kappa", value: total.kappa(scale)
            .map(Self.round),
                         low: interval.map { Self.round($0.0) }, high: interval.map { Self.round($0.1) },
                         replies: clusters.count, ratings: Int(total.n), observed: observed.map { Self.round($0) })
    }

    /// The reviewers among themselves: one unit per reply and category.
    func reviewerAgreement(_ clusters: [[Item]], scale: RatingScale, rng: inout SeededRandom) -> Agreement {
        let tallies = clusters.map { c in c.reduce(AlphaTally()) { $0.adding($1.humans.map(\.value)) } }
        let total = tallies.reduce(AlphaTally(), +)
        let interval = bootstrap(tallies, rng: &rng) { $0.alpha(interval: scale == .score) }
        return Agreement(statistic: "Krippendorff's alpha (\(scale == .score ? "interval" : "nominal"))",
                         value: total.alpha(interval: scale == .score).map(Self.round),
                         low: interval.map { Self.round($0.0) }, high: interval.map { Self.round($0.1) },
                         replies: clusters.filter { $0.contains { $0.humans.count >= 2 } }.count,
                         ratings: Int(total.n), observed: scale == .passFail && total.units > 0
                             ? Self.round(total.unanimous / total.units) : nil)
    }

    /// The percentile interval of a statistic over resamples of the replies (with replacement): a
    /// reply's ratings stay together, as they are not independent of each other. Each reply is
    /// reduced to sums that add up, so a resample costs one addition per reply.
    func bootstrap<T: Tally>(_ tallies: [T], rng: inout SeededRandom, _ statistic: (T) -> Double?) -> (Double, Double)? {
        guard tallies.count >= 2, resamples > 0 else { return nil }
        var values: [Double] = []
        values.reserveCapacity(resamples)
        let count = UInt64(tallies.count)
        for _ in 0..<resamples {
            var sum = T()
            for _ in 0..<tallies.count { sum = sum + tallies[Int(rng.next() % count)] }
            if let v = statistic(sum) { values.append(v) }
        }
        // Too many resamples without a value: no honest interval.
        guard values.count * 2 >= resamples else { return nil }
        return AgreementStatistics.percentileInterval(values)
    }

    static func round(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// Sums that add up over replies, from which a statistic is computed.
protocol Tally {
    init()
    static func + (a: Self, b: Self) -> Self
}

/// ReplyQA-and-reviewer pairs, as the two kappas need them (pass/fail values are 0 and 1).
struct PairTally: Tally {
    var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, squares = 0.0, sumDifference = 0.0
    var agree = 0.0, xPass = 0.0, yPass = 0.0

    func adding(_ x: Double, _ y: Double) -> PairTally {
        var t = self
        t.n += 1; t.sx += x; t.sy += y; t.sxx += x * x; t.syy += y * y
        t.squares += (x - y) * (x - y); t.sumDifference += x - y
        if x == y { t.agree += 1 }
        if x == 1 { t.xPass += 1 }
        if y == 1 { t.yPass += 1 }
        return t
    }

    static func + (a: PairTally, b: PairTally) -> PairTally {
        PairTally(n: a.n + b.n, sx: a.sx + b.sx, sy: a.sy + b.sy, sxx: a.sxx + b.sxx, syy: a.syy + b.syy, squares: a.squares + b.squares,
                  sumDifference: a.sumDifference + b.sumDifference, agree: a.agree + b.agree, xPass: a.xPass + b.xPass,
                      yPass: a.yPass + b.yPass)
    }

    /// Quadratic-weighted kappa on scores, Cohen's kappa on pass/fail (as `AgreementStatistics`).
    func kappa(_ scale: RatingScale) -> Double? {
        guard n > 0 else { return nil }
        if scale == .score {
            let expected = sxx + syy - 2 * sx * sy / n
            return expected > 1e-12 ? 1 - squares / expected : nil
        }
        let pe = (xPass / n) * (yPass / n) + (1 - xPass / n) * (1 - yPass / n)
        return pe < 1 ? (agree / n - pe) / (1 - pe) : nil
    }
}

/// Units of reviewers' ratings, as Krippendorff's alpha needs them (pass/fail values are 0 and 1).
struct AlphaTally: Tally {
    /// Pairable ratings, units with two or more, and of those the unanimous ones.
    var n = 0.0, units = 0.0, unanimous = 0.0
    /// Σ over units of the within-unit disagreement (interval and nominal) divided by m − 1.
    var withinInterval = 0.0, withinNominal = 0.0
    var s = 0.0, ss = 0.0, ones = 0.0

    func adding(_ values: [Double]) -> AlphaTally {
        guard values.count >= 2 else { return self }
        var t = self
        let m = Double(values.count)
        let vs = values.reduce(0, +), vss = values.reduce(0) { $0 + $1 * $1 }
        var counts: [Double: Double] = [:]
        for v in values { counts[v, default: 0] += 1 }
        t.withinInterval += (2 * m * vss - 2 * vs * vs) / (m - 1)
        t.withinNominal += (m * m - counts.values.reduce(0) { $0 + $1 * $1 }) / (m - 1)
        t.n += m; t.units += 1; t.s += vs; t.ss += vss
        t.ones += Double(values.filter { $0 == 1 }.count)
        if counts.count == 1 { t.unanimous += 1 }
        return t
    }

    static func + (a: AlphaTally, b: AlphaTally) -> AlphaTally {
        AlphaTally(n: a.n + b.n, units: a.units + b.units, unanimous: a.unanimous + b.unanimous, withinInterval: a.withinInterval
            + b.withinInterval,
                   withinNominal: a.withinNominal + b.withinNominal, s: a.s + b.s, ss: a.ss + b.ss, ones: a.ones + b.ones)
    }

    /// Interval alpha on scores; nominal alpha on pass/fail values (0 and 1).
    func alpha(interval: Bool) -> Double? {
        guard n > 1 else { return nil }
        let observed = (interval ? withinInterval : withinNominal) / n
        let total = interval ? 2 * n * ss - 2 * s * s : n * n - ones * ones - (n - ones) * (n - ones)
        let expected = total / (n * (n - 1))
        return expected > 1e-12 ? 1 - observed / expected : nil
    }
}
