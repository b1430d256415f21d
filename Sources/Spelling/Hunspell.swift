import Foundation
internal import CHunspell

/// A Hunspell dictionary. Hunspell handles are not thread-safe, so every call takes a lock.
public final class Hunspell: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
    /// The dictionary's own encoding: UTF-8 for most, ISO-8859-1 for some older ones.
    private let latin1: Bool
    public let language: String

    public init(aff: String, dic: String, language: String) {
        handle = Hunspell_create(aff, dic)
        self.language = language
        let encoding = Hunspell_get_dic_encoding(handle).map { String(cString: $0).uppercased() } ?? "UTF-8"
        latin1 = encoding.contains("8859-1") || encoding.contains("8859-15") || encoding == "ISO8859-1"
    }

    deinit { Hunspell_destroy(handle) }

    private func encode(_ word: String) -> [CChar]? {
        if latin1 {
            guard let data = word.data(using: .isoLatin1) else { return nil }
            return data.map { CChar(bitPattern: $0) } + [0]
        }
        return Array(word.utf8CString)
    }

    private func decode(_ c: UnsafePointer<CChar>) -> String {
        if latin1 {
            let bytes = Data(bytes: c, count: strlen(c))
            return String(data: bytes, encoding: .isoLatin1) ?? String(cString: c)
        }
        return String(cString: c)
    }

    /// Whether the dictionary accepts the word. Words the dictionary cannot encode are unknown.
    public func spell(_ word: String) -> Bool {
        guard let encoded = encode(word) else { return false }
        lock.lock(); defer { lock.unlock() }
        return encoded.withUnsafeBufferPointer { Hunspell_spell(handle, $0.baseAddress) != 0 }
    }

    /// Hunspell's suggestions, best first. Slow (tens of milliseconds): cache the results.
    public func suggest(_ word: String) -> [String] {
        guard let encoded = encode(word) else { return [] }
        lock.lock(); defer { lock.unlock() }
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let n = encoded.withUnsafeBufferPointer { Hunspell_suggest(handle, &list, $0.baseAddress) }
        guard n > 0, let entries = list else { return [] }
        let result = (0..<Int(n)).compactMap { entries[$0].map { decode($0) } }
        Hunspell_free_list(handle, &list, n)
        return result
    }

    /// Adds a word for the lifetime of this handle (custom word lists, names).
    public func add(_ word: String) {
        guard let encoded = encode(word) else { return }
        lock.lock(); defer { lock.unlock() }
        _ = encoded.withUnsafeBufferPointer { Hunspell_add(handle, $0.baseAddress) }
    }
}
