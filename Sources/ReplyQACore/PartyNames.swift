import Foundation

/// The names of the people a reply involves, as lower-cased words: the one place where the
/// agent's, the customer's and the recipients' names are split into pieces.
public enum PartyNames {
    /// Every name word of the reply's people: the agent, the customer's name and address and the
    /// recipients (display names and addresses). A name with an apostrophe counts whole and in its
    /// parts ("o'brien", "brien"); one-letter pieces are dropped. The sender's address joins them
    /// only when asked: a shared mailbox ("chat@", "help@") names a team, and its words are topic
    /// words to the checks that weigh topics.
    public static func words(of reply: Reply, withSenderAddress: Bool = false) -> Set<String> {
        var raw = [reply.agent] + reply.recipients
        if let q = reply.question { raw += [q.customerName, q.customerAddress].compactMap { $0 } }
        if withSenderAddress, let a = reply.fromAddress { raw.append(a) }
        var names = Set<String>()
        for r in raw {
            for piece in pieces(r) {
                names.insert(piece)
                if piece.contains(where: isApostrophe) {
                    for part in piece.split(whereSeparator: isApostrophe) where part.count > 1 { names.insert(String(part)) }
                }
            }
        }
        return names
    }

    /// The names the customer may be greeted by, most likely first: the pieces of their display
    /// name, of their address or handle, of the first recipient when the customer's name is not
    /// known, and of the name they signed their message with. `ignoring` holds pieces of addresses
    /// that never name anyone ("com", "mail").
    public static func customer(of reply: Reply, ignoring: Set<String>) -> [String] {
        var raw: [String] = []
        if let n = reply.question?.customerName { raw.append(n) }
        if let a = reply.question?.customerAddress { raw.append(String(a.split(separator: "@").first ?? "")) }
        // "Linda Park <linda@example.com>": both the display name and the mailbox.
        if reply.question?.customerName == nil, let r = reply.recipients.first { raw.append(r) }
        if let q = reply.question?.text,
           let last = q.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let words = last.split(separator: " ")
            if words.count <= 3, words.allSatisfy({ $0.first?.isUppercase ?? false }) { raw.append(String(last)) }
        }
        var names: [String] = []
        for r in raw {
            for p in pieces(r) where !names.contains(p) && !ignoring.contains(p) { names.append(p) }
        }
        return names
    }

    /// The lower-cased name pieces of one header value: runs of letters and apostrophes, two or more long.
    public static func pieces(_ s: String) -> [String] {
        s.split(whereSeparator: { !$0.isLetter && !isApostrophe($0) }).filter { $0.count > 1 }.map { $0.lowercased() }
    }

    static func isApostrophe(_ c: Character) -> Bool { c == "'" || c == "’" }
}
