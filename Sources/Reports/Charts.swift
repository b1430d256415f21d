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
        .element(named: name, nodes: attributes.map { SVGNode.attribute(named: $0.0, value: $0.1) } + (text.map { [SVGNode.text($0)] } ?? []))
    }

    func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Each agent's mean overall score as a bar, with its 95% interval as a whisker.
    func agentsChart() -> SVGNode {
        let agents = m.aggregate.agents
        guard !agents.isEmpty else { return .empty }
        let left = 170.0, width = 460.0, row = 24.0
        var nodes: [SVGNode] = []
        for (i, a) in agents.enumerated() {
            let y = 10 + Double(i) * row
            let mean = a.stats.overall.mean
            nodes.append(shape("text", [("x", f(left - 8)), ("y", f(y + 14)), ("text-anchor", "end"), ("font-size", "12")], text: a.agent))
            nodes.append(shape("rect", [("x", f(left)), ("y", f(y + 3)), ("width", f(width * mean / 100)), ("height", "14"),
                                        ("fill", a.stats.tooFew ? "#c5cbd3" : mean >= 85 ? "#58a66c" : mean < 60 ? "#d9695f" : "#e0b44c")]))
            if let low = a.stats.overall.low, let high = a.stats.overall.high {
                let x1 = left + width * max(0, low) / 100, x2 = left + width * min(100, high) / 100
                nodes.append(shape("line", [("x1", f(x1)), ("x2", f(x2)), ("y1", f(y + 10)), ("y2", f(y + 10)), ("stroke", "#1d2430"), ("stroke-width", "1.5")]))
                for x in [x1, x2] { nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", f(y + 5)), ("y2", f(y + 15)), ("stroke", "#1d2430")])) }
            }
            nodes.append(shape("text", [("x", f(left + width + 8)), ("y", f(y + 14)), ("font-size", "12")],
                               text: formatScore(mean) + (a.stats.tooFew ? " (too few)" : "")))
        }
        for v in [0, 50, 100] {
            let x = left + width * Double(v) / 100
            nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", "6"), ("y2", f(14 + Double(agents.count) * row)), ("stroke", "#e3e6ea")]))
        }
        return svg(width: Int(left + width + 130), height: Int(20 + Double(agents.count) * row), label: "Mean overall score per agent with 95% intervals", nodes)
    }

    /// Tone dimensions as bars, with the team's mean as a tick.
    func toneChart(_ tone: [String: Double], team: [String: Double]) -> SVGNode {
        let dims = ["empathy", "ownership", "patience", "politeness", "greeting", "closing", "clarity", "tone-fit", "positivity"].filter { tone[$0] != nil }
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
                nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", f(y)), ("y2", f(y + 19)), ("stroke", "#1d2430"), ("stroke-width", "2")]))
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
            nodes.append(shape("line", [("x1", f(left)), ("x2", f(left + width)), ("y1", f(y(Double(v)))), ("y2", f(y(Double(v)))), ("stroke", "#e3e6ea")]))
            nodes.append(shape("text", [("x", f(left - 6)), ("y", f(y(Double(v)) + 4)), ("text-anchor", "end"), ("font-size", "11")], text: String(v)))
        }
        let points = t.weeks.enumerated().map { (left + Double($0.offset) * step, y($0.element.overall.mean)) }
        nodes.append(shape("polyline", [("points", points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")), ("fill", "none"), ("stroke", "#1f5fbf"), ("stroke-width", "2")]))
        for (i, w) in t.weeks.enumerated() {
            let (x, yy) = points[i]
            if let low = w.overall.low, let high = w.overall.high {
                nodes.append(shape("line", [("x1", f(x)), ("x2", f(x)), ("y1", f(y(low))), ("y2", f(y(high))), ("stroke", "#1f5fbf")]))
            }
            nodes.append(shape("circle", [("cx", f(x)), ("cy", f(yy)), ("r", "4"), ("fill", "#1f5fbf")]))
            // Labels at least 56 units apart (counted back from the last week), so they never overlap.
            let every = max(1, Int((56 / step).rounded(.up)))
            if (t.weeks.count - 1 - i) % every == 0 {
                nodes.append(shape("text", [("x", f(x)), ("y", f(top + height + 16)), ("text-anchor", "middle"), ("font-size", "11")], text: w.week))
            }
        }
        return svg(width: Int(left + width + 30), height: Int(top + height + 24), label: "Mean overall score per week with 95% intervals", nodes)
    }
}
