import Aggregation
import Foundation
import Plot

/// The overview stays readable with many agents, categories and channels: wide tables are split
/// into tables that fit, long lists of agents are cut to the top few and a count.
extension HTMLPages {
    /// At most this many category (or channel) columns per table: with the agent's name they fit
    /// the page's width without scrolling sideways.
    static let columnsPerTable = 7
    /// Agents named in a problem row; the rest are counted.
    static let agentsPerProblem = 3

    /// `items` in consecutive groups of at most `size`, as even as possible (14 in 7 and 7, not 7, 7 and 0).
    static func split<T>(_ items: [T], size: Int) -> [[T]] {
        guard items.count > size, size > 0 else { return [items] }
        let groups = (items.count + size - 1) / size
        let base = items.count / groups, extra = items.count % groups
        var out: [[T]] = [], start = 0
        for g in 0..<groups {
            let n = base + (g < extra ? 1 : 0)
            out.append(Array(items[start..<start + n]))
            start += n
        }
        return out
    }

    /// The category scores of a set of rows, as one table per group of categories.
    func categoryTables(firstColumn: String, rows: [(Node<HTML.BodyContext>, GroupStats)]) -> Node<HTML.BodyContext> {
        let groups = Self.split(m.categories, size: Self.columnsPerTable)
        return .group(groups.enumerated().map { k, group in
            .group([
                .h3(.text(groups.count == 1
                    ? "Category scores" : "Category scores (\(k + 1) of \(groups.count): \(group.first!)–\(group.last!))")),
                .table(.class("heat"),
                    .thead(.tr(.th(.class("name"), .text(firstColumn)), .group(group.map { .th(.class("num"), .text($0)) }))),
                    .tbody(.group(rows.map { name, s in
                        .tr(.td(name), .group(group.map { c -> Node<HTML.TableRowContext> in
                            guard let e = s.categories[c] else { return .td(.class("num muted"), .text("–")) }
                            return .td(.class("num \(ScoreBand(e.mean).cellClass)"), .text(formatScore(e.mean)))
                        }))
                    }))),
            ])
        })
    }

    /// Who a problem comes from: the agents with the most of its findings, and how many more.
    func problemAgents(_ p: Problem) -> String {
        var counts: [String: Int] = [:]
        for s in m.scored { for f in s.findings where f.rule == p.rule { counts[s.agent, default: 0] += 1 } }
        let top = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let shown = top.prefix(Self.agentsPerProblem).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        let rest = top.count - min(top.count, Self.agentsPerProblem)
        return rest > 0 ? "\(shown) and \(rest) more (\(top.count) agents)" : shown
    }

    /// A list of names, cut to the first few and how many more.
    static func someOf(_ names: [String], shown: Int = agentsPerProblem) -> String {
        names.count <= shown + 1 ? names.joined(separator: ", ")
            : names.prefix(shown).joined(separator: ", ") + " and \(names.count - shown) more (\(names.count) agents)"
    }

    /// The agent × channel matrix, split into tables of a few channels each when there are many.
    func matrixTables() -> Node<HTML.BodyContext> {
        let groups = Self.split(m.aggregate.channels.map(\.channel), size: Self.columnsPerTable - 1)
        return .group(groups.enumerated().map { k, channels in
            .group([
                groups.count == 1 ? .empty : .h3(.text("Channels \(k + 1) of \(groups.count): \(channels.first!)–\(channels.last!)")),
                .table(
                    .thead(.tr(.th(.class("name"), .text("agent")), .group(channels.map { .th(.class("num"), .text($0)) }))),
                    .tbody(.group(m.aggregate.agents.map { a in
                        .tr(.td(link(a.agent, "agents/\(a.slug).html")), .group(channels.map { c -> Node<HTML.TableRowContext> in
                            guard let s = a.channels[c] else { return .td(.class("num muted"), .text("–")) }
                            return .td(.class("num"), estimate(s.overall, tooFew: s.tooFew, short: true),
                                       .span(.class("ci"), .text(" (n=\(s.replies))")))
                        }))
                    }))),
            ])
        })
    }

    static let overviewCSS = """
        td,th{overflow-wrap:break-word}th.name{width:22%}
        table.heat th.num{white-space:normal}
        """
}
