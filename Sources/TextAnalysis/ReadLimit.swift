import ReplyQACore

/// How much of a reply's authored text the text checkers (tone, grammar, spelling) read. A support
/// reply is a few KB; far past that it is pasted data or hostile input, and reading all of it would
/// only cost time and memory.
public enum ReadLimit {
    /// The most Unicode scalars of a reply the text checkers read (about 100 KB of English).
    public static let scalars = 20_000

    /// The start of `text` that the checkers read: all of it when it is within `limit`, else its
    /// first `limit` scalars, cut back to a line break (or a space) in their last quarter so no
    /// sentence or word is cut in two. Costs O(limit) however long the text is.
    public static func prefix(of text: String, limit: Int = scalars) -> String {
        let view = text.unicodeScalars
        guard let end = view.index(view.startIndex, offsetBy: limit, limitedBy: view.endIndex), end != view.endIndex else { return text }
        var cut = end, space: String.Index? = nil
        var back = 0
        while back < limit / 4, cut > view.startIndex {
            let previous = view.index(before: cut)
            if view[previous] == "\n" { return String(view[..<previous]) }
            if space == nil, view[previous] == " " { space = previous }
            cut = previous
            back += 1
        }
        return String(view[..<(space ?? end)])
    }

    /// Whether `text` is longer than the checkers read.
    public static func exceeds(_ text: String, limit: Int = scalars) -> Bool {
        let view = text.unicodeScalars
        return view.index(view.startIndex, offsetBy: limit, limitedBy: view.endIndex).map { $0 != view.endIndex } ?? false
    }

    /// The reply record's warning when the reply is longer than the checkers read, naming the
    /// checkers that stopped early; none otherwise.
    public static func warnings(for reply: Reply, checkers: [any Checker]) -> [String] {
        let names = checkers.filter { $0 is any ReadsLimitedText }.map(\.name)
        guard !names.isEmpty, exceeds(reply.authored) else { return [] }
        let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
        return ["the reply is \(reply.authored.unicodeScalars.count) characters long; \(list) read only its first \(scalars) characters"]
    }
}

/// A checker that reads at most `ReadLimit.scalars` of a reply's authored text.
public protocol ReadsLimitedText: Checker {}
