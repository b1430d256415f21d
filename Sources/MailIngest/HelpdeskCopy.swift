import Foundation
import ReplyQACore

/// A reply (or the customer message it answers) read from a helpdesk export, written as an email,
/// so a sample drawn from an export is checked, attributed and threaded again like the export.
public enum HelpdeskCopy {
    /// Whether a reply was read from a helpdesk export (its message id is the export's, its location a record).
    public static func isExport(_ reply: Reply, location: String) -> Bool {
        guard let id = reply.messageID, let hash = location.lastIndex(of: "#") else { return false }
        let ext = (String(location[..<hash]) as NSString).pathExtension.lowercased()
        return ["json", "jsonl", "ndjson", "csv"].contains(ext) && HelpdeskFormat.allCases.contains { id.hasPrefix($0.rawValue + ":") }
    }

    /// The reply as an RFC 5322 message, or nil when it was not read from an export.
    public static func reply(_ reply: Reply, location: String) -> [UInt8]? {
        guard isExport(reply, location: location) else { return nil }
        var headers = [("From", mailbox(reply.agent, reply.fromAddress ?? "agent@helpdesk.invalid"))]
        if !reply.recipients.isEmpty { headers.append(("To", reply.recipients.map(recipient).joined(separator: ", "))) }
        if let q = reply.question?.messageID, reply.question?.source == .thread { headers.append(("In-Reply-To", "<\(q)>")) }
        headers.append((HelpdeskReader.roleHeader, "agent"))
        headers.append((HelpdeskReader.channelHeader, reply.channel))
        var body = reply.authored
        if let s = reply.signature, !s.isEmpty { body += "\n\n" + s }
        if let f = reply.footer, !f.isEmpty { body += "\n\n" + f }
        return message(headers, id: reply.messageID, date: reply.date, subject: reply.subject, body: body)
    }

    /// The customer's message a reply answers, when it came from the same export.
    public static func question(_ reply: Reply, location: String) -> [UInt8]? {
        guard isExport(reply, location: location), let q = reply.question, q.source == .thread else { return nil }
        let headers = [("From", mailbox(q.customerName ?? "", q.customerAddress ?? "customer@helpdesk.invalid")),
                       (HelpdeskReader.roleHeader, "customer"), (HelpdeskReader.channelHeader, reply.channel)]
        return message(headers, id: q.messageID, date: nil, subject: reply.subject, body: q.text)
    }

    static func message(_ fields: [(String, String)], id: String?, date: Date?, subject: String?, body: String) -> [UInt8] {
        var fields = fields
        if let id { fields.append(("Message-ID", "<\(id)>")) }
        if let date {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
            fields.append(("Date", f.string(from: date)))
        }
        if let subject { fields.append(("Subject", encoded(subject))) }
        fields += [("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "8bit")]
        // Header values never carry a line break: one would start a new header.
        let head = fields.map { "\($0.0): \($0.1.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))" }
        return Array((head.joined(separator: "\n") + "\n\n" + body + "\n").utf8)
    }

    static func mailbox(_ name: String, _ address: String) -> String {
        let safeAddress = address.filter { !$0.isWhitespace && $0 != "<" && $0 != ">" }
        guard !name.isEmpty else { return "<\(safeAddress)>" }
        let shown = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            ? "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            : encoded(name)
        return "\(shown) <\(safeAddress)>"
    }

    /// "Name <address>" (as a reply lists its recipients) or a bare address.
    static func recipient(_ text: String) -> String {
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else { return mailbox("", text) }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        return mailbox(name, String(text[text.index(after: open)...].dropLast()))
    }

    /// RFC 2047 for anything that is not plain printable ASCII.
    static func encoded(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
