import Aggregation
import Foundation
import Plot
import ReplyPipeline
import ReplyQACore

/// The HTML report: an overview, one page per agent and one per channel. Every piece of email text
/// goes through Plot's text escaping; no attribute carries email text; nothing is loaded from
/// anywhere (no scripts, no remote images, a restrictive Content-Security-Policy).
struct HTMLPages {
    let m: ReportModel

    static let csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    static let css = """
        body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
        main{max-width:1180px;margin:0 auto;padding:24px 28px 60px;background:#fff;min-height:100vh}
        h1{font-size:26px;margin:4px 0 2px}h2{font-size:19px;margin:34px 0 10px;border-bottom:1px solid #e3e6ea;padding-bottom:4px}
        h3{font-size:16px;margin:18px 0 6px}.muted{color:#68707d}.small{font-size:13px}
        nav{font-size:14px;margin-bottom:8px}a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
        table{border-collapse:collapse;width:100%;margin:8px 0 4px;font-size:14px}
        th,td{border-bottom:1px solid #eceef1;padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f3f5f8;font-weight:600;white-space:nowrap}\
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .scroll{overflow-x:auto}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
        .card{border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px;min-width:120px}.card b{display:block;font-size:24px}
        .good{color:#1a7f37}.bad{color:#c0362c}.warn{color:#9a6700}.few{color:#68707d;font-style:italic}
        .score{font-weight:600}.ci{color:#68707d;font-size:12px}
        .reply{border:1px solid #e3e6ea;border-radius:8px;padding:10px 14px;margin:12px 0}
        .reply-head{font-size:13px;color:#4a5260;margin-bottom:6px}
        .text{white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;\
        background:#fafbfc;padding:8px;border-radius:6px;overflow-wrap:anywhere}
        mark{padding:0 1px;border-radius:3px}mark.error{background:#ffd7d3}mark.warning{background:#fff0b3}\
        mark.info{background:#dcebff}mark.phrase{background:#e6eefc}
        mark sup{font-size:10px;color:#4a5260;margin-left:1px}
        ol.notes{font-size:13px;margin:6px 0 0;padding-left:22px}ol.notes li{margin:2px 0}
        .tag{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:#eef1f5;margin-right:4px}
        .tag.error{background:#ffd7d3}.tag.warning{background:#fff0b3}.tag.info{background:#dcebff}
        .tag.warm{background:#d3f5dd}.tag.hostile{background:#ffd7d3}.tag.curt{background:#ffe6c7}.tag.robotic{background:#e8e0ff}
        blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #d0d6de;color:#30363f;font-size:14px}
        .area{margin:8px 0 14px}.callout{border-left:4px solid #1f5fbf;background:#f1f6ff;padding:8px 12px;margin:10px 0}
        table.heat td.num{font-size:13px;padding:4px 6px}td.s-good{background:#e3f4e8}\
        td.s-mid{background:#fdf3d7}td.s-bad{background:#fbe0dd}
        ul.notes{font-size:13px;margin:6px 0 0;padding-left:18px;list-style:none}ul.notes li{margin:2px 0}
        svg{max-width:100%;height:auto}footer{margin-top:40px;font-size:12px;color:#68707d}
        """

    // MARK: - Pages

    func index() -> String {
        let r = m.result, a = m.aggregate
        let body: [Node<HTML.BodyContext>] = [
            .h1(.text("ReplyQA report")),
            .p(.class("muted"), .text(subtitle())),
            .div(.class("cards"),
                 card("files read", r.filesRead), card("replies scored", m.summaries.count),
                 card("customer messages", r.customerMessages), card("skipped", r.skipped.count), card("failed", r.failures.count),
                 .div(.class("card"), .b(.text(formatScore(a.team.overall.mean))), .text("team mean overall"))),
            inputsSection(),
            .h2(.text("Agents")),
            agentsChart(),
            .div(.class("scroll"), statsTable(firstColumn: "agent",
                                              rows: a.agents.map { (link($0.agent, "agents/\($0.slug).html"), $0.stats) })),
            .h2(.text("Channels")),
            .div(.class("scroll"), statsTable(firstColumn: "channel",
                                              rows: a.channels.map { (link($0.channel, "channels/\($0.slug).html"), $0.stats) })),
            .h2(.text("Agent × channel")),
            .p(.class("small muted"),
                .text("Mean overall score of each agent on each channel; “too few” marks fewer than \(m.scorecard.minimumSample) " +
                    "replies, too few to judge.")),
            matrix(),
            .h2(.text("The team's most frequent problems")),
            problems(),
            .h2(.text("Disputed findings by rule")),
            disputesSection(),
            calibrationSummary(),
            .h2(.text("Worst replies")),
            worst(),
            .h2(.text("Canned replies")),
            clusters(),
            .h2(.text("Scorecard in effect")),
            scorecard(),
        ]
        return page(title: "ReplyQA report", body: body)
    }

    func agentPage(_ agent: AgentAggregate) -> String {
        var out = ""
        agentPage(agent) { out += $0 }
        return out
    }

    /// The agent's page in pieces (see `page(title:body:replies:emit:)`).
    func agentPage(_ agent: AgentAggregate, emit: (String) throws -> Void) rethrows {
        var body: [Node<HTML.BodyContext>] = [
            .nav(.a(.href("../index.html"), .text("← Overview"))),
            .h1(.text(agent.agent)),
            .p(.class("muted"), .text("\(agent.stats.replies) replies · \(agent.stats.words) words · overall "),
               estimate(agent.stats.overall, tooFew: agent.stats.tooFew)),
            .p(.a(.href("../summaries/\(agent.slug).html"),
                  .text("Coaching summary: strengths, three areas with a model reply each, the trend (one page, to print) →"))),
            .h2(.text("Scorecard by channel")),
            .p(.class("small muted"), .text("Each channel is scored against its own policy; the last row is the agent across channels.")),
            .div(.class("scroll"), statsTable(firstColumn: "channel",
                                                rows: agent.channels.sorted { $0.key < $1.key }
                                                    .map { (Node<HTML.BodyContext>.text($0.key), $0.value) }
                                                    + [(.strong(.text("all channels")), agent.stats)])),
        ]
        if let trend = m.trends[agent.agent] { body += trendSection(trend) }
        body += [
            .h2(.text("Strengths")),
            areas(agent.strengths, empty: "Nothing stands out above the team yet."),
            .h2(.text("Top improvement areas")),
            areas(agent.improvements, empty: "No problems found in these replies.", modelsFor: agent),
            .h2(.text("Recurring misspellings")),
            agent.misspellings.isEmpty ? .p(.class("muted"), .text("None.")) :
                .p(.group(agent.misspellings.map { .span(.class("tag"), .text("\($0.text) × \($0.count)")) })),
            .h2(.text("Tone profile")),
            .p(.class("small muted"), .text("Bars: this agent's mean per tone dimension; black ticks: the team's mean.")),
            toneChart(agent.stats.tone, team: m.aggregate.team.tone),
            .p(labels(agent.stats.labels)),
            .h2(.text("Every reply")),
        ]
        try page(title: "\(agent.agent) · ReplyQA", body: body, replies: agent.replies, emit: emit)
    }

    func channelPage(_ channel: ChannelAggregate) -> String {
        var out = ""
        channelPage(channel) { out += $0 }
        return out
    }

    /// The channel's page in pieces (see `page(title:body:replies:emit:)`).
    func channelPage(_ channel: ChannelAggregate, emit: (String) throws -> Void) rethrows {
        let body: [Node<HTML.BodyContext>] = [
            .nav(.a(.href("../index.html"), .text("← Overview"))),
            .h1(.text("Channel: \(channel.channel)")),
            .p(.class("muted"), .text(policyText(channel.channel))),
            .h2(.text("Agents on this channel")),
            .div(.class("scroll"), statsTable(firstColumn: "agent", rows: channel.agents.sorted { $0.key < $1.key }.map { name, stats in
                let slug = m.aggregate.agents.first { $0.agent == name }?.slug ?? ""
                return (link(name, "../agents/\(slug).html"), stats)
            } + [(.strong(.text("channel")), channel.stats)])),
            .h2(.text("Tone profile")),
            toneChart(channel.stats.tone, team: m.aggregate.team.tone),
            .p(labels(channel.stats.labels)),
            .h2(.text("Replies")),
        ]
        try page(title: "\(channel.channel) · ReplyQA", body: body, replies: channel.replies, emit: emit)
    }

    // MARK: - Pieces

    /// A page whose body ends with the blocks of `replies`, given to `emit` in pieces: each block is
    /// rendered on its own, so a page of thousands of replies is never one tree of nodes in memory.
    func page(title: String, body: [Node<HTML.BodyContext>], replies: [Int], emit: (String) throws -> Void) rethrows {
        // A mark no email can contain stands where the replies go.
        let slot = "replyqa-replies-\(UUID().uuidString)"
        let frame = page(title: title, body: body + [.text(slot)])
        guard let at = frame.range(of: slot) else { return try emit(frame) }
        try emit(String(frame[..<at.lowerBound]))
        for r in replies { try emit(Self.showingBidiControls(replyBlock(r).render())) }
        try emit(String(frame[at.upperBound...]))
    }

    func page(title: String, body: [Node<HTML.BodyContext>], bodyClass: String? = nil) -> String {
        let html = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "meta", attributes: [Attribute<HTML.HeadContext>(name: "http-equiv", value: "Content-Security-Policy"),
                                                     Attribute<HTML.HeadContext>(name: "content", value: Self.csp)]),
                .meta(.name("referrer"), .content("no-referrer")),
                // Not Plot's .title(): it copies the title into social-card meta attributes unescaped.
                .element(named: "title", text: title),
                .style(Self.css + Self.reviewCSS + Self.coachCSS + Self.overviewCSS)
            ),
            .body(.element(named: "main", nodes: (bodyClass.map { [.class($0)] } ?? []) + body + [footer()]))
        )
        // No indentation: it would change the text of the pre-wrapped reply bodies.
        return Self.showingBidiControls(html.render()) + "\n"
    }

    /// The bidirectional embedding, override and isolate controls. In email text they reorder what
    /// follows ("\u{202E}gnp.exe" reads as "exe.png"), even across the report's own text.
    static let bidiControls: ClosedRange<UInt32> = 0x202A...0x202E
    static let bidiIsolates: ClosedRange<UInt32> = 0x2066...0x2069

    /// The page with every bidi control shown as its code ("[U+202E]"), so none can reorder text.
    /// The page's own markup has none: every one came from an email.
    static func showingBidiControls(_ html: String) -> String {
        func isControl(_ u: Unicode.Scalar) -> Bool { bidiControls.contains(u.value) || bidiIsolates.contains(u.value) }
        guard html.unicodeScalars.contains(where: isControl) else { return html }
        var out = String.UnicodeScalarView()
        for u in html.unicodeScalars {
            if isControl(u) { out.append(contentsOf: String(format: "[U+%04X]", u.value).unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }

    func footer() -> Node<HTML.BodyContext> {
        .footer(.text("ReplyQA report (schema \(ReportDocument.schema))"
            + (m.generatedAt.map { " · generated \(ReportModel.iso($0))" } ?? "")))
    }

    func subtitle() -> String {
        let weeks = Set(m.summaries.compactMap(\.week)).sorted()
        let span = weeks.isEmpty ? "" : " · \(weeks.count == 1 ? "week" : "weeks") \(weeks.joined(separator: ", "))"
        let agents = m.aggregate.agents.count, channels = m.aggregate.channels.count
        return "\(agents) agent\(agents == 1 ? "" : "s") · \(channels) channel\(channels == 1 ? "" : "s")\(span)"
    }

    func card(_ label: String, _ value: Int) -> Node<HTML.BodyContext> {
        .div(.class("card"), .b(.text(String(value))), .text(label))
    }

    func link(_ text: String, _ href: String) -> Node<HTML.BodyContext> { .a(.href(href), .text(text)) }

    func formatScore(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }

    func estimate(_ e: MeanEstimate, tooFew: Bool, short: Bool = false) -> Node<HTML.BodyContext> {
        let ci: Node<HTML.BodyContext> = e.low.map { low in .span(.class("ci"),
                                                                  .text(" [\(formatScore(low))–\(formatScore(e.high ?? low))]")) } ?? .empty
        if tooFew {
            return .span(.span(.class("score"), .text(formatScore(e.mean))), ci,
                         .span(.class("few"), .text(short ? " too few" : " too few replies to judge")))
        }
        return .span(.span(.class("score \(ScoreBand(e.mean).scoreClass)"), .text(formatScore(e.mean))), ci)
    }

    func rate(_ r: RateEstimate) -> String {
        "\(Int((r.rate * 100).rounded()))% [\(Int((r.low * 100).rounded()))–\(Int((r.high * 100).rounded()))]"
    }

    func statsTable(firstColumn: String, rows: [(Node<HTML.BodyContext>, GroupStats)]) -> Node<HTML.BodyContext> {
        .group([
            .table(
                .thead(.tr(.th(.text(firstColumn)), .th(.class("num"), .text("replies")), .th(.text("overall [95% CI]")),
                           .th(.class("num"), .text("auto-fail [95% CI]")), .th(.class("num"), .text("with errors [95% CI]")),
                           .th(.class("num"), .text("spelling+grammar / 100 words")), .th(.text("tone")))),
                .tbody(.group(rows.map { name, s in
                    .tr(.td(name), .td(.class("num"), .text(String(s.replies))), .td(estimate(s.overall, tooFew: s.tooFew)),
                        .td(.class("num"), .text(rate(s.autoFail))), .td(.class("num"), .text(rate(s.withErrors))),
                        .td(.class("num"), .text(String(format: "%.2f", s.languageErrorsPer100Words))), .td(labels(s.labels)))
                }))),
            categoryTables(firstColumn: firstColumn, rows: rows),
        ])
    }

    func inputsSection() -> Node<HTML.BodyContext> {
        let r = m.result
        guard !r.skipped.isEmpty || !r.failures.isEmpty else {
            return .p(.class("small muted"), .text("Every input was read; none was skipped or failed."))
        }
        return .group([
            .h2(.text("Inputs skipped or failed")),
            .table(.thead(.tr(.th(.text("input")), .th(.text("outcome")), .th(.text("reason")))),
                   .tbody(.group(r.failures.map { .tr(.td(.text($0.path)), .td(.class("bad"), .text("failed")), .td(.text($0.reason))) }
                                 + r.skipped.map { .tr(.td(.text($0.path)), .td(.class("muted"), .text("skipped")),
                                                       .td(.text($0.reason))) }))),
        ])
    }

    func matrix() -> Node<HTML.BodyContext> { matrixTables() }

    func problems() -> Node<HTML.BodyContext> {
        guard !m.aggregate.problems.isEmpty else { return .p(.class("muted"), .text("No findings.")) }
        return .table(
            .thead(.tr(.th(.text("rule")), .th(.text("category")), .th(.text("severity")), .th(.class("num"), .text("findings")),
                       .th(.class("num"), .text("replies")), .th(.text("agents")))),
            .tbody(.group(m.aggregate.problems.map { p in
                .tr(.td(.code(.text(p.rule)), disputeMark(p.rule)), .td(.text(p.category)),
                    .td(.span(.class("tag \(p.severity)"), .text(p.severity))),
                    .td(.class("num"), .text(String(p.count))), .td(.class("num"), .text(String(p.replies))),
                    .td(.text(problemAgents(p))))
            })))
    }

    func worst() -> Node<HTML.BodyContext> {
        .table(
            .thead(.tr(.th(.class("num"), .text("overall")), .th(.text("reply")), .th(.text("agent")), .th(.text("channel")),
                       .th(.text("why")))),
            .tbody(.group(m.aggregate.worst.map { w in
                let r = m.summaries[w.index]
                let slug = m.aggregate.agents.first { $0.agent == r.agent }?.slug ?? ""
                return .tr(.td(.class("num score \(ScoreBand(w.overall) == .poor ? "bad" : "")"), .text(String(w.overall))),
                           .td(link((r.file as NSString).lastPathComponent, "agents/\(slug).html#r-\(r.id)")),
                           .td(.text(r.agent)), .td(.text(r.channel)), .td(.text(w.reasons.joined(separator: ", "))))
            })))
    }

    func clusters() -> Node<HTML.BodyContext> {
        guard !m.result.clusters.isEmpty else { return .p(.class("muted"), .text("No near-identical replies in this batch.")) }
        return .table(
            .thead(.tr(.th(.class("num"), .text("replies")), .th(.text("macro")), .th(.text("agents")), .th(.text("text")))),
            .tbody(.group(m.result.clusters.map { c in
                .tr(.td(.class("num"), .text(String(c.members.count))), .td(.text(c.macro ?? "–")), .td(.text(Self.someOf(c.agents))),
                    .td(.class("small"), .text(String(m.result.replies[c.members[0]].redactedAuthored.prefix(160)) + "…")))
            })))
    }

    func scorecard() -> Node<HTML.BodyContext> {
        let s = m.scorecard
        let weights = m.categories.map { "\($0) \(formatScore(s.weights[$0] ?? 1))" }.joined(separator: ", ")
        let penalties = ["error", "warning", "info"].map { "\($0) \(formatScore(s.penalties[$0] ?? 0))" }.joined(separator: ", ")
        return .ul(
            .li(.strong(.text("Category weights: ")), .text(weights)),
            .li(.strong(.text("Points a finding costs its category: ")),
                .text(penalties + "; each repeat of a rule costs half the one before")),
            .li(.strong(.text("Auto-fail rules (overall 0): ")), .text((s.autoFail ?? []).joined(separator: ", "))),
            .li(.strong(.text("Minimum sample: ")), .text("\(s.minimumSample) replies; fewer are marked “too few replies to judge”")),
            .li(.strong(.text("Intervals: ")), .text("95% confidence intervals (Student's t) for means, Wilson intervals for rates.")))
    }

    /// With `modelsFor`, each area also shows a teammate's reply to the same situation as a model.
    func areas(_ list: [Area], empty: String, modelsFor agent: AgentAggregate? = nil) -> Node<HTML.BodyContext> {
        guard !list.isEmpty else { return .p(.class("muted"), .text(empty)) }
        return .group(list.map { a in
            .div(.class("area"),
                 .h3(.text("\(a.category): \(formatScore(a.score))"), .span(.class("ci"), .text("  team \(formatScore(a.team))"))),
                 .group(a.examples.map { e in
                     .blockquote(highlighted(e.sentence, e.phrase), .br(),
                                 .span(.class("small muted"), .text("\(e.note) — \((e.file as NSString).lastPathComponent)")))
                 }),
                 agent.map { modelBlock(a, of: $0) } ?? .empty)
        })
    }

    /// A sentence with the phrase the note is about marked.
    func highlighted(_ sentence: String, _ phrase: String) -> Node<HTML.BodyContext> {
        guard !phrase.isEmpty, phrase != sentence, let r = sentence.range(of: phrase) else { return .text(sentence) }
        return .span(.text(String(sentence[..<r.lowerBound])), .element(named: "mark", nodes: [.class("phrase"), .text(phrase)]),
                     .text(String(sentence[r.upperBound...])))
    }

    func labels(_ labels: [String: Int]) -> Node<HTML.BodyContext> {
        .span(.group(["warm", "neutral", "curt", "robotic", "hostile"].compactMap { l in
            labels[l].map { .span(.class("tag \(l)"), .text("\(l) × \($0)")) }
        }))
    }

    func policyText(_ channel: String) -> String {
        let p = m.tone.policy(for: channel)
        return "Scored against this channel's tone policy: emoji \(p.emoji?.rawValue ?? "forbidden"), formality " +
            "\(p.formality?.rawValue ?? "neutral"), "
            + "greeting \(p.greeting?.rawValue ?? "required"), closing \(p.closing?.rawValue ?? "required")."
    }

    func trendSection(_ t: AgentTrend) -> [Node<HTML.BodyContext>] {
        var nodes: [Node<HTML.BodyContext>] = [.h2(.text("Trend"))]
        if let c = t.change { nodes.append(.div(.class("callout"), .text(c.summary))) }
        nodes.append(trendChart(t))
        nodes.append(.table(.thead(.tr(.th(.text("week")), .th(.class("num"), .text("replies")), .th(.text("overall [95% CI]")))),
                            .tbody(.group(t.weeks.map { w in
                                .tr(.td(.text(w.week)), .td(.class("num"), .text(String(w.overall.n))),
                                    .td(estimate(w.overall, tooFew: w.overall.n < m.scorecard.minimumSample)))
                            }))))
        return nodes
    }

    // MARK: - One reply, findings highlighted in place

    /// The most characters of one reply a page shows.
    static let shownScalars = 100_000

    /// A text node for text of any length. The HTML escaper costs tens of bytes per character
    /// while it works, so a long text is escaped in pieces cut after whitespace (no entity or word
    /// spans a cut, so the page is the same).
    static func longText(_ text: String, piece: Int = 8192) -> Node<HTML.BodyContext> {
        guard text.utf8.count > 2 * piece else { return .text(text) }
        var pieces: [Node<HTML.BodyContext>] = []
        var start = text.startIndex, bytes = 0
        for i in text.indices {
            bytes += text[i].utf8.count
            if bytes >= piece, text[i].isWhitespace {
                let end = text.index(after: i)
                pieces.append(.text(String(text[start..<end])))
                start = end; bytes = 0
            }
        }
        if start < text.endIndex { pieces.append(.text(String(text[start...]))) }
        return .group(pieces)
    }

    func replyBlock(_ index: Int) -> Node<HTML.BodyContext> {
        let record = m.result.replies[index], s = m.summaries[index]
        let text = record.redactedAuthored
        let length = text.unicodeScalars.count
        // Findings over (nearly) the whole reply are listed, not highlighted; of overlapping ones the first is marked.
        let candidates = record.findings.enumerated()
            .filter { $0.element.span.length > 0 && $0.element.span.length < max(1, length * 8 / 10) }
            .sorted { ($0.element.span.start, $0.offset) < ($1.element.span.start, $1.offset) }
        var marked: [(Int, Finding)] = []
        var end = 0
        // A page shows at most `shownScalars` of a reply: past that it is pasted data no one reads
        // in a browser, and the page would grow with it.
        let shown = min(length, Self.shownScalars)
        for (i, f) in candidates where f.span.start >= end && f.span.end <= shown { marked.append((i, f)); end = f.span.end }
        var numbers: [Int: Int] = [:]
        for (k, item) in marked.enumerated() { numbers[item.0] = k + 1 }
        var nodes: [Node<HTML.BodyContext>] = []
        var cursor = 0
        for (i, f) in marked {
            nodes.append(Self.longText(text.text(at: Span(start: cursor, end: f.span.start))))
            nodes.append(.element(named: "mark", nodes: [.class(f.severity.rawValue
                + (m.reviewed.isDisputed(index, i) ? " disputed" : "")), .text(text.text(at: f.span)),
                                                          .element(named: "sup",
                                                                   nodes: [Node<HTML.BodyContext>.text(String(numbers[i]!))])]))
            cursor = f.span.end
        }
        nodes.append(Self.longText(text.text(at: Span(start: cursor, end: shown))))
        if shown < length {
            nodes.append(.element(named: "em", nodes: [.class("muted"), .text(" … \(length - shown) more characters not shown")]))
        }
        let notes: [Node<HTML.ListContext>] = record.findings.enumerated().map { i, f in
            let place: String
            if let n = numbers[i] { place = "[\(n)]" }
            else if f.span.length >= max(1, length * 8 / 10) || f.span.length == 0 { place = "[whole reply]" }
            else {
                let quoted = text.text(at: f.span)
                place = "“\(quoted.count > 60 ? String(quoted.prefix(60)) + "…" : quoted)”"
            }
            let disputed = m.reviewed.isDisputed(index, i)
            return .li(.class(disputed ? "disputed" : "plain"),
                       .span(.class("tag \(f.severity.rawValue)"), .text(f.severity.rawValue)), .code(.text(f.rule)),
                       disputed ? .span(.class("tag disputed"), .text("disputed")) : .empty,
                       .span(.class("finding-text"), .text(" \(place) \(f.message)" + (f.suggestion.map { " → \($0)" } ?? ""))),
                       disputeLine(reply: index, finding: i))
        }
        let date = s.date.map { ReportModel.iso($0) } ?? "no date"
        return .div(.class("reply"), .id("r-\(s.id)"),
                    .div(.class("reply-head"),
                         .strong(.text((s.file as NSString).lastPathComponent)),
                         .text(" · \(s.agent) · \(s.channel) · \(date) · overall "),
                         .span(.class("score \(ScoreBand(s.overall).scoreClass)"), .text(String(s.overall))),
                         .text(s.autoFailed.isEmpty ? "" : " (failed: \(s.autoFailed.joined(separator: ", ")))"),
                         .text(" · "), .span(.class("tag \(s.toneLabel ?? "")"), .text(s.toneLabel ?? "no tone"))),
                    .div(.class("small muted"), .text("Subject: \(record.reply.subject ?? "(none)")")),
                    rescoredLine(index),
                    customerMessage(index, open: record.findings.contains { $0.category == .relevance }),
                    .div(.class("text"), .group(nodes)),
                    notes.isEmpty ? .empty : .ul(.class("notes"), .group(notes)))
    }
}
