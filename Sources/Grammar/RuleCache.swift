import Foundation
import ReplyQACore

/// Parsed rule files saved as JSON in the user's cache folder, keyed by the files' size and
/// modification time: `lint` runs once per email, and parsing YAML would cost most of its time.
struct RuleCache {
    struct Content: Codable {
        var rules: [GrammarRule]
        var classes: [String: [String]]
    }

    let url: URL?

    init(files: [URL], language: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var key = "v1-\(language)"
        for f in files {
            let a = try? FileManager.default.attributesOfItem(atPath: f.path)
            let size = (a?[.size] as? NSNumber)?.intValue ?? 0
            let time = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            key += "-\(f.path.hashValueStable)-\(size)-\(Int(time * 1000))"
        }
        let base = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".cache") }
        url = environment["REPLYQA_NO_CACHE"] != nil ? nil
            : base?.appendingPathComponent("replyqa").appendingPathComponent("grammar-\(key.hashValueStable).json")
    }

    func read() -> Content? {
        guard let url, let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Content.self, from: data)
    }

    /// Best effort: a read-only home just means no cache.
    func write(_ content: Content) {
        guard let url, let data = try? JSONEncoder().encode(content) else { return }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: url, options: .atomic)
    }
}

extension String {
    /// FNV-1a: stable across runs, unlike `hashValue`.
    var hashValueStable: String {
        String(StableHash.of(self), radix: 16)
    }
}
