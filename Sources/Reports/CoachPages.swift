import Aggregation
import Foundation
import Plot
import ReplyQACore

/// What a coach needs beside the scores: the customer's message, a teammate's reply as a model
/// for each improvement area, and a one-page summary to print.
extension HTMLPages {
    /// The customer's message a reply answers, escaped like all email text, with a card number in
    /// it masked (the report never repeats one, whoever sent it); collapsed unless `open` (a reply
    /// flagged for relevance is read beside what the customer wrote).
    func customerMessage(_ index: Int, open: Bool = false) -> Node<HTML.BodyContext> {
        guard let q = m.result.replies[index].reply.question, !q.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .div(.class("small muted customer-none"), .text("No customer message was found for this reply."))
        }
        let text = Self.maskingCardNumbers(q.text)
        let limit = 6000
        let shown = text.count > limit ? String(text.prefix(limit)) + "… (\(text.count - limit) more characters)" : text
        let from = q.customerName.map { " from \($0)" } ?? ""
        let source = q.source == .thread ? "the customer's message\(from)" : "the customer's message\(from), as the reply quotes it"
        return .element(named: "details", nodes: [
            .class("customer"),
            open ? .attribute(named: "open", value: "open") : .empty,
            .element(named: "summary", nodes: [.text("Show \(source)")]),
            .div(.class("text"), .text(shown)),
        ])
    }

    /// Digit runs that are payment card numbers (13-19 digits, spaces or dashes between, Luhn
    /// check) with all but the last four digits masked.
    static func maskingCardNumbers(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        func isDigit(_ u: Unicode.Scalar) -> Bool { ("0"..."9").contains(u) }
        var i = 0
        while i < scalars.count {
            guard isDigit(scalars[i]), i == 0 || !isDigit(scalars[i - 1]) else { i += 1; continue }
            var j = i, digits: [Int] = []
            while j < scalars.count, digits.count <= 19 {
                if isDigit(scalars[j]) { digits.append(Int(scalars[j].value - 48)); j += 1 }
                else if (scalars[j] == " " || scalars[j] == "-"), j + 1 < scalars.count, isDigit(scalars[j + 1]) { j += 1 }
                else { break }
            }
            if (13...19).contains(digits.count), Self.luhn(digits) {
                var kept = 0
                for k in stride(from: j - 1, through: i, by: -1) where isDigit(scalars[k]) {
                    if kept < 4 { kept += 1 } else { scalars[k] = "•" }
                }
            }
            i = max(j, i + 1)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            let v = k % 2 == 1 ? d * 2 : d
            sum += v > 9 ? v - 9 : v
        }
        return sum % 10 == 0
    }

    /// A reply's authored text, masked as the report shows it, cut to `limit` characters; `flat`
    /// puts it on one line (a printed page has no room for its blank lines).
    func excerpt(_ index: Int, limit: Int, flat: Bool = false) -> String {
        var text = m.result.replies[index].redactedAuthored.trimmingCharacters(in: .whitespacesAndNewlines)
        if flat { text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: " / ") }
        return text.count > limit ? String(text.prefix(limit)).trimmingCharacters(in: .whitespaces) + "…" : text
    }

    /// The model for an improvement area: a teammate's reply to the same situation that did well.
    func modelBlock(_ area: Area, of agent: AgentAggregate) -> Node<HTML.BodyContext> {
        guard let pick = m.modelReply(for: area, of: agent) else {
            return .p(.class("small muted model-none"),
                .text("No teammate's reply to a similar situation scored \(ModelReplies.goodScore) or more in \(area.category) in this " +
                    "batch."))
        }
        let s = m.summaries[pick.index]
        let slug = m.aggregate.agents.first { $0.agent == s.agent }?.slug ?? ""
        return .div(.class("model"),
                    .div(.class("model-head"), .strong(.text("A model from the team: ")),
                         .text("\(s.agent)'s reply to \(pick.situation), \(area.category) \(pick.score) · "),
                         .a(.href("\(slug).html#r-\(s.id)"), .text((s.file as NSString).lastPathComponent))),
                    .div(.class("text"), .text(excerpt(pick.index, limit: 900))),
                    customerMessage(pick.index))
    }

    // MARK: - The one-page coaching summary

    /// `summaries/<slug>.html`: strengths, the three areas with one example and one model
    /// each, and the trend, on one A4 page when printed.
    func summaryPage(_ agent: AgentAggregate) -> String {
        let channels = agent.channels.keys.sorted().joined(separator: ", ")
        let weeks = Set(agent.replies.compactMap { m.summaries[$0].week }).sorted()
        func cut(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n)).trimmingCharacters(in: .whitespaces) + "…" : s }
        func example(_ e: Area.Example, limit: Int) -> Node<HTML.BodyContext> {
            let sentence = cut(e.sentence, limit)
            return .blockquote(highlighted(sentence, e.phrase.count < sentence.count ? e.phrase : ""), .br(),
                               .span(.class("small muted"), .text(cut(e.note, 120))))
        }
        var body: [Node<HTML.BodyContext>] = [
            .nav(.class("no-print"), .a(.href("../agents/\(agent.slug).html"), .text("← \(agent.agent): every reply")), .text(" · "),
                 .a(.href("../index.html"), .text("Overview"))),
            .h1(.text("\(agent.agent): coaching summary")),
            .p(.class("muted"),
                .text("\(agent.stats.replies) replies · \(channels) · " +
                    "\(weeks.isEmpty ? "no dates" : (weeks.count == 1 ? "week " : "weeks ") + weeks.joined(separator: ", ")) · overall "),
               estimate(agent.stats.overall, tooFew: agent.stats.tooFew), .text(" · team \(formatScore(m.aggregate.team.overall.mean))")),
        ]
        // The trend: the last change, and the weeks as a small chart when there are two or more.
        if let t = m.trends[agent.agent], t.weeks.count >= 2 {
            body += [.h2(.text("Trend")), .div(.class("trend-line"), trendChart(t), .p(.text(t.change?.summary ?? "")))]
        } else {
            body += [.h2(.text("Trend")), .p(.class("muted"), .text(m.trends[agent.agent] == nil
                ? "No earlier weeks on record (record runs with `replyqa check --history FILE` to see the trend)."
                : "One week on record so far: the trend starts next week."))]
        }
        body.append(.h2(.text("Strengths")))
        if agent.strengths.isEmpty {
            body.append(.p(.class("muted"), .text("Nothing stands out above the team yet.")))
        } else {
            body += agent.strengths.prefix(3).map { a in
                .div(.class("area"), .h3(.text("\(a.category) \(formatScore(a.score))"),
                                         .span(.class("ci"), .text("  team \(formatScore(a.team))"))),
                     a.examples.first.map { example($0, limit: 170) } ?? .empty)
            }
        }
        let count = min(3, agent.improvements.count)
        body.append(.h2(.text(count == 3 ? "Three areas to work on" : count == 2 ? "Two areas to work on" : "Areas to work on")))
        if agent.improvements.isEmpty {
            body.append(.p(.class("muted"), .text("No problems found in these replies.")))
        } else {
            body += agent.improvements.prefix(3).enumerated().map { k, a in
                let model = m.modelReply(for: a, of: agent)
                let modelNode: Node<HTML.BodyContext> = model.map { pick in
                    let s = m.summaries[pick.index]
                    return .div(.class("model"), .span(.class("small"), .strong(.text("A model: ")),
                                                         .text("\(s.agent), \(cut(pick.situation, 90)) (\(a.category) \(pick.score))")),
                                .div(.class("text flat"), .text(excerpt(pick.index, limit: 260, flat: true))))
                } ?? .p(.class("small muted"), .text("No teammate's reply to a similar situation did well here yet."))
                return .div(.class("area"),
                            .h3(.text("\(k + 1). \(a.category) \(formatScore(a.score))"),
                                .span(.class("ci"), .text("  team \(formatScore(a.team))"))),
                            a.examples.first.map { example($0, limit: 190) } ?? .empty, modelNode)
            }
        }
        if !agent.misspellings.isEmpty {
            body.append(.p(.class("small"), .strong(.text("Recurring misspellings: ")),
                           .text(agent.misspellings.prefix(8).map { "\($0.text) × \($0.count)" }.joined(separator: ", "))))
        }
        return page(title: "\(agent.agent) · coaching summary · ReplyQA", body: body, bodyClass: "summary")
    }

    static let coachCSS = """
        details.customer{margin:6px 0;font-size:13px}details.customer summary{cursor:pointer;color:#1f5fbf}
        details.customer .text{margin-top:4px;background:#f4f6fa;border-left:3px solid #c9d3e1}
        .model{border-left:3px solid #58a66c;background:#f3faf5;padding:6px 10px;margin:8px 0 4px}\
        .model-head{font-size:13px;margin-bottom:4px}
        .model .text{background:#fff}
        main.summary{max-width:800px}main.summary h1{font-size:22px}main.summary h2{margin:16px 0 6px;font-size:16px}
        main.summary h3{margin:8px 0 2px;font-size:14px}main.summary blockquote{margin:3px 0;font-size:13px}\
        main.summary .small{font-size:12px}
        main.summary .model .text{font-size:12px;padding:4px 6px}main.summary .area{margin:4px 0 8px}
        main.summary .trend-line{display:flex;gap:16px;align-items:center}main.summary .trend-line svg{max-width:340px;flex:none}
        main.summary .trend-line p{margin:2px 0}.text.flat{white-space:normal}
        @page{size:A4;margin:12mm 14mm}
        @media print{
          body{background:#fff}main{max-width:none;padding:0;min-height:0}
          nav,.no-print,.how,footer{display:none}
          .reply,.area,.model,blockquote,tr,svg,.card{break-inside:avoid}h2,h3{break-after:avoid}
          a{color:inherit}.scroll{overflow:visible}
          main.summary{font-size:11.5px;line-height:1.35}main.summary h1{font-size:19px;margin:0 0 2px}
          main.summary h2{font-size:14px;margin:10px 0 4px}main.summary h3{font-size:12.5px;margin:6px 0 1px}
          main.summary blockquote{font-size:11.5px}main.summary .small{font-size:10.5px}\
        main.summary .model{padding:3px 8px;margin:4px 0 2px}
          main.summary .model .text{font-size:10.5px;padding:3px 5px}main.summary .trend-line svg{max-width:250px}
        }
        """
}
