/// A group of replies that are (nearly) the same text.
public struct ReplyCluster: Sendable, Equatable {
    /// Indices into the clustered list, first the one the others were compared with.
    public var members: [Int]
    public init(members: [Int]) { self.members = members }
}

/// Groups near-duplicate signatures with LSH banding, in time linear in the number of texts:
/// texts sharing a band land in one bucket, and each bucket member is compared only with the
/// bucket's first member (a star), never pairwise.
public struct NearDuplicateClusterer: Sendable {
    public var bands: Int
    /// Estimated Jaccard similarity that links two texts.
    public var threshold: Double
    /// A macro with a sentence added before or after is still the macro: link texts when this share
    /// of the smaller one's shingles is in the other (and the smaller one has `minimumShingles`).
    public var containment: Double
    public var minimumShingles: Int

    public init(bands: Int = 21, threshold: Double = 0.6, containment: Double = 0.8, minimumShingles: Int = 8) {
        self.bands = bands
        self.threshold = threshold
        self.containment = containment
        self.minimumShingles = minimumShingles
    }

    /// Whether two texts (signatures and shingle counts) are the same template.
    public func linked(_ a: [UInt32], _ na: Int, _ b: [UInt32], _ nb: Int) -> Bool {
        let j = MinHasher.similarity(a, b)
        if j >= threshold { return true }
        let smaller = min(na, nb)
        guard smaller >= minimumShingles, j > 0 else { return false }
        return j * Double(na + nb) / ((1 + j) * Double(smaller)) >= containment
    }

    /// `sizes` are the shingle counts behind each signature (for containment).
    public func clusters(_ signatures: [[UInt32]], sizes: [Int]? = nil) -> [ReplyCluster] {
        let sizes = sizes ?? signatures.map { _ in 0 }
        var parent = Array(signatures.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        guard let length = signatures.first(where: { !$0.isEmpty })?.count, length >= bands else { return [] }
        let rows = length / bands
        for band in 0..<bands {
            var first: [UInt64: Int] = [:]
            first.reserveCapacity(signatures.count)
            for (i, sig) in signatures.enumerated() where sig.count == length {
                var key = UInt64(band) &* 0x9E3779B97F4A7C15
                for r in 0..<rows { key = (key ^ UInt64(sig[band * rows + r])) &* 0x100000001b3 }
                if let head = first[key] {
                    if find(head) != find(i), linked(signatures[head], sizes[head], sig, sizes[i]) { union(head, i) }
                } else {
                    first[key] = i
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in signatures.indices { groups[find(i), default: []].append(i) }
        return groups.values.filter { $0.count > 1 }
            .map { ReplyCluster(members: $0.sorted()) }
            .sorted { ($0.members.count, -$0.members[0]) > ($1.members.count, -$1.members[0]) }
    }
}
