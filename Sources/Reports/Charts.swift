import Aggregation
import Foundation
import Plot

/// Inline SVG charts: drawn from numbers, labels as escaped text, nothing loaded.
extension HTMLPages {
    typealias SVGNode = Node<HTML.BodyContext>

    func svg(width: Int, height: Int, label: String, _ nodes: [SVGNode]) -> SVGNode {
        .element(named: "svg", nodes: [
            .attribute(named: "xmlns", value: "http://www.w3.org/2000/svg"),
            .attribute(named: "viewBox", value: "0 0 \(width) \(height)"),
            .attribute(named: "width", value: String(width)),
            .attribute(named: "role", value: "img"),
            .element(named: "title", nodes: [SVGNode.text(label)]),
        ] + nodes)
    }

    func shape(_ name: String, _ attributes: [(String, String)], text: String? = nil) -> SVGNode {
        .element(named: name, nodes: attributes.map { SVGNode.attribute(named: $0.0, value: $0.1) }
            + (text.map { [SVGNode.text($0)] } ?? []))
    }

    func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Each agent's mean overall score as a bar, with its 95% interval as a whisker, on a 0-100
    /// axis (labelled above and below when the chart is long), the team's mean as a dashed line,
    /// and a legend for the colours.
    func agentsChart() -> SVGNode {
        let agents = m.aggregate.agents
        guard !agents.isEmpty else { return .empty }
        let left = 190.0, width = 460.0
        // Many agents: thinner rows, so 64 agents take a screen and a half, not three.
        let row = agents.count > 30 ? 17.0 : 24.0, bar = row - 8
        let legendHeight = 30.0, axisHeight = 20.0
        let top = legendHeight + axisHeight
        func x(_ v: Double) -> Double { left + width * max(0, min(100, v)) / 100 }
        let tooFewColour = "#c5cbd3"
        func colour(_ mean: Double, tooFew: Bool) -> String { tooFew ? tooFewColour : ScoreBand(mean).colour }
        var nodes: [SVGNode] = []
        let bottom = top + Double(agents.count) * row
        // Grid and axis: ticks every 25 points, labels below (and above when the chart is long).
        for v in stride(from: 0, through: 100, by: 25) {
            nodes.append(shape("line", [("x1", f(x(Double(v)))), ("x2", f(x(Double(v)))), ("y1", f(top - 4)), ("y2", f(bottom + 4)),
                                        ("stroke", v == 0 ? "#1d2430" : "#e3e6ea")]))
            nodes.append(shape("text", [("x", f(x(Double(v)))), ("y", f(bottom + 17)), ("text-anchor", "middle"), ("font-size", "11")],
                               text: String(v)))
            if agents.count > 12 {
                nodes.append(shape("text", [("x", f(x(Double(v)))), ("y", f(top - 8)), ("text-anchor", "middle"), ("font-size", "11")],
                                   text: String(v)))
            }
        }
        nodes.append(shape("line", [("x1", f(x(0))), ("x2", f(x(100))), ("y1", f(bottom + 4)), ("y2", f(bottom + 4)),
                                    ("stroke", "#1d2430")]))
        nodes.append(shape("text", [("x", f(x(50))), ("y", f(bottom + 33)), ("text-anchor", "middle"), ("font-size", "12"),
                                    ("fill", "#4a5260")],
                           text: "mean overall score (0–100) of the agent's replies"))
        for (i, a) in agents.enumerated() {
            let y = top + Double(i) * row
            let mean = a.stats.overall.mean
            // Long names are cut to fit the margin; the full name is the row's tooltip.
            let name = a.agent.count > 28 ? String(a.agent.prefix(27)) + "…" : a.agent
            nodes.append(.element(named: "g", nodes: [
                .element(named: "title", nodes: [SVGNode.text("\(a.agent): \(formatScore(mean))")]),
                shape("text", [("x", f(left - 8)), ("y", f(y + row / 2 + 4)), ("text-anchor", "end"), ("font-size", "12")], text: name),
                shape("rect", [("x", f(left)), ("y", f(y + 4)), ("width", f(width * max(0, min(100, mean)) / 100)), ("height", f(bar)),
                               ("fill", colour(mean, tooFew: a.stats.tooFew))]),
            ]))
            if let low = a.stats.overall.low, let high = a.stats.overall.high {
                let x1 = x(low), x2 = x(high), mid = y + row / 2
                nodes.append(shape("line", [("x1", f(x1)), ("x2", f(x2)), ("y1", f(mid)), ("y2", f(mid)), ("stroke", "#1d2430"),
                                            ("stroke-width", "1.5")]))
                for xx in [x1, x2] { nodes.append(
                    shape("line", [("x1", f(xx)), ("x2", f(xx)), ("y1", f(mid - bar / 3)), ("y2", f(mid + bar / 3)),
                                   ("stroke", "#1d2430")])) }
            }
            nodes.append(shape("text", [("x", f(left + width + 8)), ("y", f(y + row / 2 + 4)), ("font-size", "12")],
                               text: formatScore(mean) + (a.stats.tooFew ? " (too few)" : "")))
        }
        let team = m.aggregate.team.overall.mean
        nodes.append(shape("line", [("x1", f(x(team))), ("x2", f(x(team))), ("y1", f(top - 2)), ("y2", f(bottom + 2)),
                                    ("stroke", "#1f5fbf"), ("stroke-width", "1.5"), ("stroke-dasharray", "4 3")]))
        // The legend, one row above the chart.
        var lx = 10.0
        for (label, fill) in ScoreBand.allCases.map({ ($0.legend, $0.colour) }) + [("too few replies to judge", tooFewColour)] {
            nodes.append(shape("rect", [("x", f(lx)), ("y", "6"), ("width", "14"), ("height", "12"), ("fill", fill)]))
            nodes.append(shape("text", [("x", f(lx + 19)), ("y", "16"), ("font-size", "12")], text: label))
            lx += 19 + Double(label.count) * 6.6 + 18
        }
        nodes.append(shape("line", [("x1", f(lx)), ("x2", f(lx + 24)), ("y1", "12"), ("y2", "12"), ("stroke", "#1d2430"),
                                    ("stroke-width", "1.5")]))
        for xx in [lx, lx + 24] { nodes.append(shape("line",
                                                     [("x1", f(xx)), ("x2", f(xx)), ("y1", "8"), ("y2", "16"), ("stroke", "#1d2430")])) }
        nodes.append(shape("text", [("x", f(lx + 30)), ("y", "16"), ("font-size", "12")], text: "95% CI"))
        lx += 30 + 6 * 6.6 + 18
        nodes.append(shape("line", [("x1", f(lx)), ("x2", f(lx + 20)), ("y1", "12"), ("y2", "12"), ("stroke", "#1f5fbf"),
                                    ("stroke-width", "1.5"), ("stroke-dasharray", "4 3")]))
        nodes.append(shape("text", [("x", f(lx + 26)), ("y", "16"), ("font-size", "12")], text: "team \(formatScore(team))"))
        return svg(width: Int(max(left + width + 115, lx + 100)), height: Int(bottom + 42),
                   label: "Mean overall score per agent with 95% intervals, on a 0 to 100 axis", nodes)
    }

    /// Tone dimensions as bars, with the team's mean as a tick.
    func toneChart(_ tone: [String: Double], team: [String: Double]) -> SVGNode {
        let dims = ["empathy", "ownership", "patience", "politeness", "greeting", "closing", "clarity", "tone-fit",
                    "positivity"].filter { tone[$0] != nil }
        guard !dims.isEmpty else { return .p(.class("muted"), .text("No tone scores.")) }
        let left = 100.0, width = 400.0, row = 22.0
        var nodes: [SVGNode] = []
        for (i, d) in dims.enumerated() {
            let y = 6 + Double(i) * row, v = tone[d] ?? 0
            nodes.append(shape("text", [("x", f(left - 8)), ("y", f(y + 13)), ("text-anchor", "end"), ("font-size", "12")], text: d))
            nodes.append(shape("rect", [("x", f(left)), ("y", f(y + 3)), ("width", f(width)), ("height", "13"), ("fill", "#eef1f5")]))
            nodes.append(shape("rect", [("x", f(left)), ("y", f(y + 3)), ("width", f(width * v / 100)), ("height", "13"),
                                        ("fill", v >= 80 ? "#58a66c" : v < 50 ? "#d9695f" : "#e0b44c")]))
            if let t = team[d] {
                let x = left + width * t / 100
                nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", f(y)), ("y2", f(y + 19)), ("stroke", "#1d2430"),
                                            ("stroke-width", "2")]))
            }
            nodes.append(shape("text", [("x", f(left + width + 8)), ("y", f(y + 13)), ("font-size", "12")], text: formatScore(v)))
        }
        return svg(width: Int(left + width + 50), height: Int(12 + Double(dims.count) * row), label: "Tone profile", nodes)
    }

    /// Weekly means with their 95% intervals.
    func trendChart(_ t: AgentTrend) -> SVGNode {
        guard t.weeks.count >= 2 else { return .empty }
        let left = 40.0, width = 440.0, top = 10.0, height = 160.0
        let step = width / Double(t.weeks.count - 1)
        func y(_ v: Double) -> Double { top + height * (1 - max(0, min(100, v)) / 100) }
        var nodes: [SVGNode] = []
        for v in [0, 50, 100] {
            nodes.append(shape("line", [("x1", f(left)), ("x2", f(left + width)), ("y1", f(y(Double(v)))), ("y2", f(y(Double(v)))),
                                        ("stroke", "#e3e6ea")]))
            nodes.append(shape("text", [("x", f(left - 6)), ("y", f(y(Double(v)) + 4)), ("text-anchor", "end"), ("font-size", "11")],
                               text: String(v)))
        }
        let points = t.weeks.enumerated().map { (left + Double($0.offset) * step, y($0.element.overall.mean)) }
        nodes.append(shape("polyline", [("points", points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")), ("fill", "none"),
                                        ("stroke", "#1f5fbf"), ("stroke-width", "2")]))
        for (i, w) in t.weeks.enumerated() {
            let (x, yy) = points[i]
            if let low = w.overall.low, let high = w.overall.high {
                nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", f(y(low))), ("y2", f(y(high))), ("stroke", "#1f5fbf")]))
            }
            nodes.append(shape("circle", [("cx", f(x)), ("cy", f(yy)), ("r", "4"), ("fill", "#1f5fbf")]))
            // Labels at least 56 units apart (counted back from the last week), so they never overlap.
            let every = max(1, Int((56 / step).rounded(.up)))
            if (t.weeks.count - 1 - i) % every == 0 {
                nodes.append(shape("text", [("x", f(x)), ("y", f(top + height + 16)), ("text-anchor", "middle"),
                                            ("font-size", "11")], text: w.week))
            }
        }
        return svg(width: Int(left + width + 30), height: Int(top + height + 24),
                   label: "Mean overall score per week with 95% intervals", nodes)
    }
}
