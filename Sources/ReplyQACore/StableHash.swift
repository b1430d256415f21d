import Foundation

/// FNV-1a over bytes: the same value on every run and machine, unlike `hashValue`, for content
/// hashes, fingerprints and cache keys.
public struct StableHash: Sendable, Equatable {
    public private(set) var value: UInt64 = 0xcbf29ce484222325
    public init() {}

    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100000001b3 }
    }

    /// The hash of a string's UTF-8 bytes.
    public static func of(_ text: String) -> UInt64 {
        var h = StableHash()
        h.add(text.utf8)
        return h.value
    }

    /// Sixteen hex digits.
    public var hex: String { String(format: "%016llx", value) }
}
