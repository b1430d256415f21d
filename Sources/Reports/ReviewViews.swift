import Aggregation
import Foundation
import Plot
import ReplyQACore
import Scoring

/// The report's side of reviews: what is disputed, how to dispute, and how often each rule is.
extension HTMLPages {
    /// The command a coach runs to dispute (or withdraw a dispute of) one finding, with the
    /// report folder and history file of this run when it named them.
    func disputeCommand(_ verb: String, _ fingerprint: String) -> String {
        let report = m.reviewCommand.report.map(Self.shellWord) ?? "REPORT_DIR"
        let history = m.reviewCommand.history.map { " --history \(Self.shellWord($0))" } ?? " --history HISTORY_FILE"
        return "replyqa reviews \(verb) \(fingerprint) --report \(report)\(history)"
    }

    /// A path as one shell word: quoted unless it is plain.
    static func shellWord(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII
            || "/._-+,:=@".unicodeScalars.contains($0) }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The line under a finding: how to dispute it, or who disputed it and how to withdraw that.
    func disputeLine(reply: Int, finding: Int) -> Node<HTML.BodyContext> {
        let s = m.summaries[reply], f = s.findings[finding]
        let fingerprint = Review.fingerprint(reply: s.id, rule: f.rule, text: f.text)
        guard let review = m.reviewed.findingReviews[reply][finding] else {
            return .div(.class("how"), .text("Wrong? "), .code(.text(disputeCommand("dispute", fingerprint))),
                        .text(" (or a “disputed” row for it in reviews.csv)"))
        }
        let who = review.reviewer.isEmpty ? "a reviewer" : review.reviewer
        let when = review.date.isEmpty ? "" : " on \(review.date)"
        let why = review.note.isEmpty ? "" : ": “\(review.note)”"
        let scope = review.reply == Review.anyReply ? " (in every reply)" : ""
        switch review.verdict {
        case .disputed:
            return .div(.class("how"), .text("Disputed by \(who)\(when)\(scope)\(why); left out of the scores. Withdraw: "),
                        .code(.text(disputeCommand("withdraw", fingerprint))))
        case .upheld:
            return .div(.class("how"), .text("Upheld by \(who)\(when)\(scope)\(why). Wrong after all? "),
                        .code(.text(disputeCommand("dispute", fingerprint))))
        case .rescored:
            return .empty
        }
    }

    /// The categories of a reply whose score a reviewer replaced.
    func rescoredLine(_ reply: Int) -> Node<HTML.BodyContext> {
        let rescored = m.reviewed.rescored[reply]
        guard !rescored.isEmpty else { return .empty }
        let parts = rescored.keys.sorted().map { c -> String in
            let r = rescored[c]!
            let by = r.review.reviewer.isEmpty ? "a reviewer" : r.review.reviewer
            return "\(c) \(r.review.score ?? 0) (\(by); ReplyQA said \(r.replyqa)\(r.review.note.isEmpty ? "" : ": “\(r.review.note)”"))"
        }
        return .div(.class("small rescored"), .text("Scores set by a reviewer: " + parts.joined(separator: "; ")))
    }

    /// The index's disputes section: per rule, how many of its findings reviewers disputed.
    func disputesSection() -> Node<HTML.BodyContext> {
        let rates = m.reviewed.disputeRates.filter { $0.disputed + $0.upheld > 0 }
        let intro: Node<HTML.BodyContext> = .p(.class("small muted"), .text(
            "A coach who finds a finding wrong disputes it (the line under each finding says how); a disputed finding stays on the pages, "
            + "marked, and counts in no score or statistic. Rates are disputed findings per finding of the rule in this batch, with " +
                "Wilson 95% intervals; "
            + "a rule is marked “often disputed” when at least a fifth of its findings (two or more) are."))
        guard !rates.isEmpty else {
            return .group([intro, .p(.class("muted"), .text("No finding of this batch has been reviewed yet."))])
        }
        return .group([
            intro,
            .table(
                .thead(.tr(.th(.text("rule")), .th(.class("num"), .text("findings")), .th(.class("num"), .text("disputed")),
                           .th(.class("num"), .text("dispute rate [95% CI]")), .th(.class("num"), .text("upheld")), .th(.text("")))),
                .tbody(.group(rates.map { r in
                    .tr(.td(.code(.text(r.rule))), .td(.class("num"), .text(String(r.findings))),
                        .td(.class("num"), .text(String(r.disputed))),
                        .td(.class("num"), .text(rate(r.rate))), .td(.class("num"), .text(String(r.upheld))),
                        .td(r.oftenDisputed ? .span(.class("tag disputed"), .text("often disputed")) : .empty))
                }))),
        ])
    }

    /// A rule's dispute mark for the problems table.
    func disputeMark(_ rule: String) -> Node<HTML.BodyContext> {
        guard let r = m.reviewed.disputeRates.first(where: { $0.rule == rule }), r.disputed > 0 else { return .empty }
        let label = r.oftenDisputed ? "often disputed" : "disputed"
        // The problems table counts findings without the disputed ones; this says how many of all.
        return .span(.class("tag disputed mark"), .text("\(label): \(r.disputed) of its \(r.findings) findings"))
    }

    static let reviewCSS = """
        .tag.disputed{background:#ece7f7;color:#4b3a78}mark.disputed{background:none;outline:1px dashed #8a7bb0}
        li.disputed .finding-text{text-decoration:line-through;color:#68707d}
        .how{font-size:12px;color:#68707d;margin:1px 0 3px}.how code{font-size:11px;overflow-wrap:anywhere}
        .rescored{color:#4b3a78;margin:2px 0}.tag.mark,li .tag.disputed{margin-left:6px}
        """
}
