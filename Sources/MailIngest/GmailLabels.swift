import Foundation

extension MailMessage {
    /// The Gmail labels of a message from a Google Takeout mbox (`X-Gmail-Labels`), in header order.
    public var gmailLabels: [String] { GmailLabels.parse(header("x-gmail-labels") ?? "") }
}

/// The `X-Gmail-Labels` header of a Takeout mbox: labels separated by commas, a label that holds a
/// comma or a quote written in double quotes (`Inbox,"Billing, EU",Sent`), nested labels with "/".
public enum GmailLabels {
    public static func parse(_ value: String) -> [String] {
        var labels: [String] = []
        var current = ""
        var quoted = false
        var iterator = value.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\\", let escaped = iterator.next() { current.append(escaped); continue }
                if c == "\"" { quoted = false } else { current.append(c) }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",":
                labels.append(current)
                current = ""
            default: current.append(c)
            }
        }
        labels.append(current)
        return labels.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Whether `label` is `wanted` or nested under it ("Support/Billing" under "Support"), ignoring case.
    public static func label(_ label: String, isOrIsUnder wanted: String) -> Bool {
        let l = label.lowercased(), w = wanted.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        return !w.isEmpty && (l == w || l.hasPrefix(w + "/"))
    }
}
