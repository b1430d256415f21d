import Foundation

/// Converts between Unicode-scalar offsets (the unit of `Span`) and indices of one string without
/// walking from its start each time: built once per text, then every conversion is a table look-up
/// and a walk of fewer than `stride` scalars.
public struct ScalarOffsets: Sendable {
    public let text: String
    /// How many Unicode scalars the text holds.
    public let count: Int
    /// UTF-8 offset of every `stride`-th scalar; empty when the text is ASCII (offsets coincide).
    let checkpoints: [Int]
    static let stride = 32

    public init(_ text: String) {
        var text = text
        // Native UTF-8 storage makes UTF-8 offsets constant-time indices.
        text.makeContiguousUTF8()
        self.text = text
        var checkpoints: [Int] = []
        var scalars = 0
        var ascii = true
        text.utf8.withContiguousStorageIfAvailable { bytes in
            for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
                if scalars % Self.stride == 0 { checkpoints.append(offset) }
                if byte >= 0x80 { ascii = false }
                scalars += 1
            }
        }
        count = scalars
        self.checkpoints = ascii ? [] : checkpoints
    }

    /// The UTF-8 offset of scalar `offset` (clamped to the text).
    public func utf8Offset(of offset: Int) -> Int {
        let k = max(0, min(offset, count))
        if checkpoints.isEmpty { return k }
        if k == count { return text.utf8.count }
        var position = checkpoints[k / Self.stride]
        var remaining = k % Self.stride
        guard remaining > 0 else { return position }
        text.utf8.withContiguousStorageIfAvailable { bytes in
            while remaining > 0 {
                position += 1
                while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
                remaining -= 1
            }
        }
        return position
    }

    /// The index of scalar `offset` (clamped to the text).
    public func index(at offset: Int) -> String.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: utf8Offset(of: offset))
    }

    /// The scalar offset of an index of this text.
    public func offset(of index: String.Index) -> Int {
        let u = text.utf8.distance(from: text.utf8.startIndex, to: index)
        if checkpoints.isEmpty { return u }
        // The last checkpoint at or before the index, then the scalars between them.
        var lo = 0, hi = checkpoints.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if checkpoints[mid] <= u { lo = mid } else { hi = mid - 1 }
        }
        var scalars = lo * Self.stride
        text.utf8.withContiguousStorageIfAvailable { bytes in
            var p = checkpoints[lo]
            while p < u {
                p += 1
                while p < bytes.count, bytes[p] & 0xC0 == 0x80 { p += 1 }
                scalars += 1
            }
        }
        return scalars
    }

    /// The text covered by a span (clamped to the text).
    public func text(at span: Span) -> String {
        let lo = max(0, min(span.start, count)), hi = max(lo, min(span.end, count))
        return String(text.unicodeScalars[index(at: lo)..<index(at: hi)])
    }

    /// The span of a range of this text.
    public func span(of range: Range<String.Index>) -> Span {
        Span(start: offset(of: range.lowerBound), end: offset(of: range.upperBound))
    }

    /// The scalar offset of a UTF-16 offset of this text (an `NSRange` bound); an offset inside a
    /// surrogate pair counts as its scalar's start, one past the end as the end.
    public func offset(utf16 offset: Int) -> Int {
        let units = text.utf16
        guard offset > 0 else { return 0 }
        guard var index = units.index(units.startIndex, offsetBy: offset, limitedBy: units.endIndex) else { return count }
        if index.samePosition(in: text.unicodeScalars) == nil { index = units.index(before: index) }
        return self.offset(of: index)
    }

    /// The span of an `NSRange` (UTF-16) of this text, nil when it does not fall on scalars.
    public func span(of range: NSRange) -> Span? {
        guard let r = Range(range, in: text) else { return nil }
        return span(of: r)
    }

    /// The offset tables of the long texts converted most recently: `String.text(at:)` and
    /// `span(of:)` are called once per finding on the same few texts, so each table is built once.
    static let recent = RecentOffsets()
    /// Below this many UTF-8 bytes walking the string is as fast as a look-up.
    static let cachedFrom = 2048

    /// The table for a long text from the cache (built on a miss), or nil for a short text.
    static func cached(_ text: String) -> ScalarOffsets? {
        guard text.utf8.count >= cachedFrom else { return nil }
        return recent.table(for: text)
    }
}

/// A few offset tables keyed by their text's storage. Each entry keeps its text alive, so while it
/// is cached no other string can have that storage address: an address match is the same bytes.
final class RecentOffsets: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(address: UInt, length: Int, table: ScalarOffsets)] = []
    private static let capacity = 4

    func table(for text: String) -> ScalarOffsets? {
        guard let address = text.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) }) else { return nil }
        let length = text.utf8.count
        lock.lock()
        if let i = entries.firstIndex(where: { $0.address == address && $0.length == length }) {
            let hit = entries[i]
            if i > 0 { entries.remove(at: i); entries.insert(hit, at: 0) }
            lock.unlock()
            return hit.table
        }
        lock.unlock()
        let table = ScalarOffsets(text)
        // The table's own copy of the text is the one kept alive; `makeContiguousUTF8` leaves a
        // native string's storage as it is, so its address is the key.
        guard let kept = table.text.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) }), kept == address else {
            return table
        }
        lock.lock()
        entries.insert((address, length, table), at: 0)
        if entries.count > Self.capacity { entries.removeLast() }
        lock.unlock()
        return table
    }
}
