import Foundation
import ReplyQACore

/// An approved macro (`templates:` folder, one text file each; the file name names it).
public struct Template: Sendable {
    public var name: String
    public var text: String
    public init(name: String, text: String) { self.name = name; self.text = text }

    /// The `.txt` files of a folder, sorted by name.
    public static func load(folder: String) -> [Template] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().compactMap { n in
            (try? String(contentsOfFile: (folder as NSString).appendingPathComponent(n), encoding: .utf8))
                .map { Template(name: String(n.dropLast(4)), text: $0) }
        }
    }
}

/// The near-duplicate family: groups the batch's nearly identical replies and names the approved
/// macro each was built from, as the batch facts `ReplyClusters` and `CannedReplies`.
public struct NearDuplicateFamily: BatchPreparing {
    /// Approved macros, from the configuration's `templates` folder.
    public var templates: [Template]
    /// What makes two sends of one macro look the same, with the greetings of the dictionaries folder
    /// (none when its common word list cannot be read: the checkers that read it report that).
    public var normalizer: TemplateNormalizer

    public init(config: Configuration) {
        templates = config.templates.map(Template.load) ?? []
        normalizer = (try? TemplateNormalizer(locator: DictionaryLocator(config: config)))
            ?? TemplateNormalizer(common: CommonLexicon(greetings: [], notNames: []))
    }

    public func prepare(_ replies: [Reply], into batch: inout BatchContext) {
        let hasher = MinHasher()
        var sizes: [Int] = []
        let signatures = replies.map { r -> [UInt32] in
            let shingles = MinHasher.shingles(normalizer.words(r.authored, names: PartyNames.words(of: r)))
            sizes.append(shingles.count)
            return hasher.signature(shingles)
        }
        let clusterer = NearDuplicateClusterer()
        let macroOf = macros(of: signatures, sizes: sizes, hasher: hasher, clusterer: clusterer)
        var canned = CannedReplies()
        var grouped = Set<Int>()
        let clusters = clusterer.clusters(signatures, sizes: sizes).enumerated().map { id, group -> ClusterSummary in
            let agents = Array(Set(group.members.map { replies[$0].agent })).sorted()
            let macro = group.members.compactMap { macroOf[$0] }.first
            for m in group.members {
                grouped.insert(m)
                canned[replies[m]] = CannedReply(count: group.members.count, agents: agents, macro: macroOf[m] ?? macro)
            }
            return ClusterSummary(id: id, members: group.members, agents: agents, macro: macro)
        }
        for (i, name) in macroOf where !grouped.contains(i) {
            canned[replies[i]] = CannedReply(count: 1, agents: [replies[i].agent], macro: name)
        }
        batch[CannedReplies.self] = canned
        batch[ReplyClusters.self] = ReplyClusters(clusters: clusters)
    }

    /// The approved macro each reply's text matches best, by reply index.
    func macros(of signatures: [[UInt32]], sizes: [Int], hasher: MinHasher, clusterer: NearDuplicateClusterer) -> [Int: String] {
        let macros = templates.map { t -> (String, [UInt32], Int) in
            let s = MinHasher.shingles(normalizer.words(t.text))
            return (t.name, hasher.signature(s), s.count)
        }
        var macroOf: [Int: String] = [:]
        for (i, sig) in signatures.enumerated() {
            let best = macros.filter { clusterer.linked($0.1, $0.2, sig, sizes[i]) }
                .max { MinHasher.similarity($0.1, sig) < MinHasher.similarity($1.1, sig) }
            if let best { macroOf[i] = best.0 }
        }
        return macroOf
    }
}
