import Calibration
import Foundation
import Plot

/// `calibration.html`: how far ReplyQA's scores agree with the team's reviewers, and the reviewers
/// with each other, per category, with intervals.
extension HTMLPages {
    func calibrationPage(_ c: CalibrationReport) -> String {
        let reviewers = Set(c.categories.flatMap(\.reviewers)).sorted()
        var body: [Node<HTML.BodyContext>] = [
            .nav(.a(.href("index.html"), .text("← Overview"))),
            .h1(.text("Calibration against the team's reviewers")),
            .p(.class("muted"),
                .text("\(c.ratings) ratings of \(c.replies) replies by \(reviewers.count) reviewer\(reviewers.count == 1 ? "" : "s") " +
                    "(\(reviewers.joined(separator: ", "))) · "
                + "95% intervals from \(c.resamples) bootstrap resamples of the replies (seed \(c.seed)) · pass mark " +
                    "\(formatScore(c.passMark))")),
            .div(.class("callout"), .text(
                "Each figure is chance-corrected: 1 is perfect agreement, 0 is what raters who ignored the replies would reach, below 0 " +
                    "is worse than that. "
                + "ReplyQA against the reviewers is Cohen's kappa (pass/fail) or quadratic-weighted kappa (0–100 scores, where a near " +
                    "miss counts less than a far one), "
                + "over every pair of ReplyQA's score and one reviewer's; the reviewers among themselves are Krippendorff's alpha over " +
                    "the replies two or more of them rated. "
                + "ReplyQA cannot be expected to agree with the reviewers better than they agree with each other.")),
            .h2(.text("Agreement per category")),
            calibrationChart(c),
            calibrationTable(c),
        ]
        if !c.reviewers.isEmpty {
            body += [
                .h2(.text("ReplyQA against each reviewer")),
                .p(.class("small muted"),
                   .text("Every category the reviewer rated, pooled; a reviewer far from the others may read the rubric differently.")),
                .table(.thead(.tr(.th(.text("reviewer")), .th(.text("agreement with ReplyQA [95% CI]")), .th(.text("reading")),
                                  .th(.class("num"), .text("replies")), .th(.class("num"), .text("ratings")),
                                  .th(.class("num"), .text("observed")))),
                       .tbody(.group(c.reviewers.map { r in
                           .tr(.td(.text(r.reviewer)), .td(agreementCell(r.agreement)), .td(.text(r.agreement.reading)),
                               .td(.class("num"), .text(String(r.agreement.replies))),
                               .td(.class("num"), .text(String(r.agreement.ratings))),
                               .td(.class("num"), .text(observedText(r.agreement, scale: c.categories.last?.scale ?? .score))))
                       }))),
            ]
        }
        if !c.unmatched.isEmpty {
            body += [
                .h2(.text("Ratings left out")),
                .p(.text(c.unmatched.count == 1
                    ? "1 reply named in the reviewers' file is not in this batch, or was not scored in the category rated: "
                                                : "\(c.unmatched.count) replies named in the reviewers' file are not in this batch, or " +
                                                    "were not scored in the category rated: "),
                   .text(c.unmatched.prefix(40).joined(separator: ", ")
                       + (c.unmatched.count > 40 ? " and \(c.unmatched.count - 40) more" : ""))),
            ]
        }
        body += [
            .h2(.text("How to read it")),
            .ul(
                .li(.text(
                    "Kappa (Landis and Koch): below 0 worse than chance, 0–0.2 slight, 0.2–0.4 fair, 0.4–0.6 moderate, 0.6–0.8 " +
                        "substantial, 0.8–1 almost perfect.")),
                .li(.text(
                    "Alpha (Krippendorff): 0.80 or more reliable; 0.667–0.80 enough for tentative conclusions; below 0.667 the ratings " +
                        "are not reliable.")),
                .li(.text(
                    "The interval is where the figure would likely land with other replies like these; a wide one means too few ratings " +
                        "to tell. "
                    + "“observed” is the share of exact agreements (pass/fail) or ReplyQA's mean score minus the reviewer's (scores: " +
                        "above 0, ReplyQA is more generous).")),
                .li(.text(
                    "Pass/fail categories compare ReplyQA's score against the pass mark; the pooled row uses pass/fail when any " +
                        "category does."))),
        ]
        return page(title: "Calibration · ReplyQA", body: body)
    }

    func agreementCell(_ a: Agreement?) -> Node<HTML.BodyContext> {
        guard let a else { return .span(.class("muted"), .text("–")) }
        guard let v = a.value else { return .span(.class("muted"), .text("undefined (no variation)")) }
        let ci: Node<HTML.BodyContext> = a.low.map { low in .span(.class("ci"),
            .text(String(format: " [%.2f, %.2f]", low, a.high ?? low))) } ?? .span(.class("ci"), .text(" [no interval]"))
        let alpha = a.statistic.hasPrefix("Krippendorff")
        let symbol = alpha ? "α" : a.statistic.hasPrefix("quadratic") ? "κw" : "κ"
        // Coloured by the reading: alpha has its own, stricter thresholds.
        let good = alpha ? v >= 0.8 : v >= 0.6, bad = alpha ? v < 0.667 : v < 0.4
        return .span(.span(.class("score \(good ? "good" : bad ? "bad" : "")"), .text(String(format: "%@ %.2f", symbol, v))), ci)
    }

    func observedText(_ a: Agreement, scale: RatingScale) -> String {
        guard let o = a.observed else { return "–" }
        if a.statistic.hasPrefix("Krippendorff") || scale == .passFail { return "\(Int((o * 100).rounded()))% agree" }
        return String(format: "%+.1f points", o)
    }

    func calibrationTable(_ c: CalibrationReport) -> Node<HTML.BodyContext> {
        .table(
            .thead(.tr(.th(.text("category")), .th(.text("scale")), .th(.text("ReplyQA vs reviewers [95% CI]")), .th(.text("reading")),
                       .th(.class("num"), .text("n")), .th(.class("num"), .text("observed")),
                       .th(.text("reviewers among themselves [95% CI]")), .th(.text("reading")), .th(.class("num"), .text("n")))),
            .tbody(.group(c.categories.map { row in
                let between = row.betweenReviewers
                return .tr(.td(row.category == "all" ? .strong(.text("all categories")) : .text(row.category)),
                           .td(.text(row.scale == .score ? "0–100" : "pass/fail")),
                           .td(agreementCell(row.replyqa)), .td(.class("small"), .text(row.replyqa?.reading ?? "")),
                           .td(.class("num"), .text(row.replyqa.map { "\($0.replies) / \($0.ratings)" } ?? "–")),
                           .td(.class("num"), .text(row.replyqa.map { observedText($0, scale: row.scale) } ?? "–")),
                           .td(row.reviewers.count < 2 ? .span(.class("muted"), .text("one reviewer")) : agreementCell(between)),
                           .td(.class("small"), .text(row.reviewers.count < 2 ? "" : between?.reading ?? "")),
                           .td(.class("num"), .text(between.map { "\($0.replies) / \($0.ratings)" } ?? "–")))
            })))
    }

    /// Each category's two figures on one axis (−1 to 1) with their intervals, over the reading bands.
    func calibrationChart(_ c: CalibrationReport) -> Node<HTML.BodyContext> {
        let rows = c.categories
        guard !rows.isEmpty else { return .p(.class("muted"), .text("No rating matched a reply of this batch.")) }
        let left = 130.0, width = 520.0, row = 26.0, top = 34.0
        func x(_ v: Double) -> Double { left + width * (max(-1, min(1, v)) + 1) / 2 }
        var nodes: [SVGNode] = []
        // Reading bands from 0 up, lightest to darkest.
        for (i, (lo, hi)) in [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)].enumerated() {
            nodes.append(shape("rect", [("x", f(x(lo))), ("y", f(top - 4)), ("width", f(x(hi) - x(lo))),
                                        ("height", f(Double(rows.count) * row + 4)),
                                        ("fill", ["#f7f8fa", "#eef3f9", "#e4edf7", "#d8e6f4", "#cadef1"][i])]))
        }
        for (i, r) in rows.enumerated() {
            let y = top + Double(i) * row + row / 2
            nodes.append(shape("text", [("x", f(left - 8)), ("y", f(y + 4)), ("text-anchor", "end"), ("font-size", "12"),
                                        ("font-weight", r.category == "all" ? "bold" : "normal")], text: r.category == "all"
                                            ? "all categories" : r.category))
            for (a, dy, filled) in [(r.replyqa, -4.0, true), (r.reviewers.count < 2 ? nil : r.betweenReviewers, 5.0, false)] {
                guard let a, let v = a.value else { continue }
                if let low = a.low, let high = a.high {
                    nodes.append(shape("line", [("x1", f(x(low))), ("x2", f(x(high))), ("y1", f(y + dy)), ("y2", f(y + dy)),
                                                ("stroke", filled ? "#1f5fbf" : "#68707d"), ("stroke-width", "1.5")]))
                }
                nodes.append(filled
                    ? shape("circle", [("cx", f(x(v))), ("cy", f(y + dy)), ("r", "4.5"), ("fill", "#1f5fbf")])
                    : shape("rect", [("x", f(x(v) - 4)), ("y", f(y + dy - 4)), ("width", "8"), ("height", "8"), ("fill", "#fff"),
                                     ("stroke", "#68707d"), ("stroke-width", "1.5")]))
            }
        }
        // The axis, its ticks and the legend.
        let axisY = top + Double(rows.count) * row + 4
        nodes.append(shape("line", [("x1", f(x(-1))), ("x2", f(x(1))), ("y1", f(axisY)), ("y2", f(axisY)), ("stroke", "#1d2430")]))
        for v in [-1.0, -0.5, 0, 0.2, 0.4, 0.6, 0.8, 1] {
            nodes.append(shape("line", [("x1", f(x(v))), ("x2", f(x(v))), ("y1", f(axisY)), ("y2", f(axisY + 5)), ("stroke", "#1d2430")]))
            nodes.append(shape("text", [("x", f(x(v))), ("y", f(axisY + 17)), ("text-anchor", "middle"), ("font-size", "11")],
                               text: v == 0 || abs(v) == 1 ? String(Int(v)) : String(format: "%.1f", v)))
        }
        nodes.append(shape("text", [("x", f(x(0))), ("y", f(axisY + 32)), ("text-anchor", "middle"), ("font-size", "11"),
                                    ("fill", "#4a5260")],
                           text: "agreement beyond chance (kappa, alpha); shaded: slight, fair, moderate, substantial, almost perfect"))
        nodes.append(shape("circle", [("cx", f(left)), ("cy", "12"), ("r", "4.5"), ("fill", "#1f5fbf")]))
        nodes.append(shape("text", [("x", f(left + 10)), ("y", "16"), ("font-size", "12")], text: "ReplyQA vs reviewers (kappa)"))
        nodes.append(shape("rect", [("x", f(left + 226)), ("y", "8"), ("width", "8"), ("height", "8"), ("fill", "#fff"),
                                    ("stroke", "#68707d"), ("stroke-width", "1.5")]))
        nodes.append(shape("text", [("x", f(left + 240)), ("y", "16"), ("font-size", "12")], text: "reviewers among themselves (alpha)"))
        nodes.append(shape("line", [("x1", f(left + 470)), ("x2", f(left + 500)), ("y1", "12"), ("y2", "12"), ("stroke", "#1d2430"),
                                    ("stroke-width", "1.5")]))
        nodes.append(shape("text", [("x", f(left + 506)), ("y", "16"), ("font-size", "12")], text: "95% CI"))
        return svg(width: Int(left + width + 70), height: Int(axisY + 40), label: "Agreement per category with 95% intervals", nodes)
    }

    /// The overview's pointer to the calibration page, with the pooled figure.
    func calibrationSummary() -> Node<HTML.BodyContext> {
        guard let c = m.calibration else { return .empty }
        let headline = c.categories.last
        return .group([
            .h2(.text("Calibration")),
            .p(.text("Agreement with the team's reviewers over \(c.ratings) ratings: "),
               agreementCell(headline?.replyqa), .text(" \(headline?.replyqa?.reading ?? "") "),
               .a(.href("calibration.html"), .text("per category, and among the reviewers →"))),
        ])
    }
}
