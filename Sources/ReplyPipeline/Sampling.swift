import Foundation
import ReplyQACore

/// A reproducible stratified sample of a batch's replies: the same input and seed give the same sample.
public struct StratifiedSample: Sendable {
    public struct Pick: Sendable, Equatable {
        /// "agent" or "agent / channel".
        public var stratum: String
        /// Index into the batch's replies.
        public var index: Int
    }

    public var perStratum: Int
    public var byChannel: Bool
    public var seed: UInt64

    public init(perStratum: Int, byChannel: Bool, seed: UInt64) {
        self.perStratum = perStratum; self.byChannel = byChannel; self.seed = seed
    }

    /// Up to `perStratum` replies from each agent (or agent x channel), drawn at random without
    /// replacement; strata in name order, replies in input order within each.
    public func draw(_ replies: [ReplyRecord]) -> [Pick] {
        var rng = SeededRandom(seed: seed)
        let strata = Dictionary(grouping: replies.indices) { i in
            byChannel ? "\(replies[i].reply.agent) / \(replies[i].reply.channel)" : replies[i].reply.agent
        }
        var picks: [Pick] = []
        for name in strata.keys.sorted() {
            let members = strata[name]!.sorted { (replies[$0].location, $0) < (replies[$1].location, $1) }
            let chosen = members.shuffled(using: &rng).prefix(perStratum).sorted()
            picks += chosen.map { Pick(stratum: name, index: $0) }
        }
        return picks
    }
}
