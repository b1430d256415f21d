import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ReplyQACore

/// A helpdesk whose export ReplyQA reads (JSON, JSON lines or CSV).
public enum HelpdeskFormat: String, CaseIterable, Sendable {
    case zendesk, freshdesk, intercom, helpscout, front, csv
}

/// Who wrote one message of a helpdesk conversation.
enum HelpdeskRole: String { case customer, agent, note, bot }

/// One message of a conversation, as the export gave it.
struct HelpdeskPart {
    var id: String
    var role: HelpdeskRole
    var authorID: String?
    var authorName: String?
    var authorEmail: String?
    var html: String?
    var text: String?
    var date: Date?
    var channel: String?
    var attachments: [Attachment] = []
    /// Whom the message was sent to, when the export says (a side conversation's participants).
    var to: [MailAddress] = []
}

/// One ticket or conversation: its messages in the order they were written.
struct HelpdeskConversation {
    var id: String
    var subject: String?
    var channel: String?
    var parts: [HelpdeskPart]
    /// The record number in its file (1-based), for locations and errors.
    var record: Int
}

/// A person of the export (side-loaded users, contacts, agents).
struct HelpdeskUser {
    var name: String?
    var email: String?
    var role: HelpdeskRole?
}

/// Reads helpdesk exports into messages the pipeline threads like mail: agent messages carry the
/// `X-Helpdesk-Role: agent` header and answer (In-Reply-To) the customer message before them in
/// the same conversation; internal notes and (by default) bots are left out, and counted.
public struct HelpdeskReader {
    /// Header naming the author's role (`agent` or `customer`), which decides over every address rule.
    public static let roleHeader = "x-helpdesk-role"
    /// Header with the helpdesk's own channel name, used unless the configuration maps it.
    public static let channelHeader = "x-helpdesk-channel"

    public var config: Configuration
    /// Problems with single records: the rest of the file was still read.
    public private(set) var errors: [IngestError] = []
    /// Per file: what was left out on purpose (notes, bots), as one line.
    public private(set) var leftOut: [(path: String, reason: String)] = []

    var conversations: [(path: String, format: HelpdeskFormat, conversation: HelpdeskConversation)] = []
    /// Zendesk side conversations by id, in the order first seen: their events may come in any
    /// record of any file, so they are gathered here and put in time order at the end.
    var sideConversations: [String: (path: String, conversation: HelpdeskConversation)] = [:]
    var sideOrder: [String] = []
    var users: [String: HelpdeskUser] = [:]
    /// Records taken (conversations and users), so a file that gave none is reported.
    var taken = 0

    public init(config: Configuration) { self.config = config }

    // MARK: Detection

    /// The export format of a file, from its first bytes; nil when it is not a recognised export.
    public static func detect(path: String, csv: CSVColumns = CSVColumns()) -> HelpdeskFormat? {
        guard let head = SystemPath.prefix(path, count: 65536) else { return nil }
        return detect(head: head, csv: csv)
    }

    /// The export format of bytes already read (their first 64 KB decide).
    public static func detect(head: [UInt8], csv: CSVColumns) -> HelpdeskFormat? {
        var text = String(decoding: head, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop { $0.isWhitespace }
        guard let first = trimmed.first else { return nil }
        if first == "{" || first == "[" {
            func has(_ key: String) -> Bool { text.contains("\"\(key)\"") }
            if has("conversation_parts") || text.contains("\"conversation.list\"") { return .intercom }
            if has("_embedded") && (has("threads") || has("primaryCustomer")) { return .helpscout }
            if has("is_inbound") { return .front }
            if has("conversations") && (has("body_text") || has("incoming") || has("description_text")) { return .freshdesk }
            // Freshdesk's agents file: each agent's name and address under `contact`.
            if has("contact") && has("email") && !has("comments") && !has("role") { return .freshdesk }
            if has("side_conversations") || has("side_conversation_id") || has("side_conversation") { return .zendesk }
            if has("comments") || has("requester_id")
                || (has("role") && (text.contains("\"end-user\"") || has("users"))) { return .zendesk }
            return nil
        }
        // A CSV export: its header row names the configured conversation and body columns.
        let header = parseCSVRow(String(trimmed.prefix { $0 != "\n" && $0 != "\r" })).map { $0.lowercased() }
        if header.contains(csv.conversation.lowercased()) && header.contains(csv.body.lowercased()) { return .csv }
        return nil
    }

    // MARK: Reading files

    /// Reads one export file; `format` forces the helpdesk, otherwise it is detected.
    public mutating func read(path: String, format: HelpdeskFormat?) {
        guard let format = format ?? Self.detect(path: path, csv: config.helpdesk.csv) else {
            errors.append(IngestError(path: path, reason: "not a recognised helpdesk export"))
            return
        }
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            errors.append(error)
            return
        }
        if file.bytes.isEmpty { errors.append(IngestError(path: path, reason: "empty file")); return }
        let before = taken
        if format == .csv {
            readCSV(file, path: path)
        } else {
            var number = 0
            let lines = ["jsonl", "ndjson"].contains((path as NSString).pathExtension.lowercased())
            JSONRecords.scan(file.bytes, maxRecordBytes: config.limits.maxMessageBytes, lines: lines, consumed: file.release) { item in
                number += 1
                switch item {
                case .problem(let why):
                    errors.append(IngestError(path: path, reason: "record \(number): \(why)"))
                case .record(let key, let object):
                    take(object, key: key, number: number, path: path, format: format)
                }
            }
        }
        if taken == before && !errors.contains(where: { $0.path == path }) {
            errors.append(IngestError(path: path, reason: "no tickets or conversations in this \(format) export"))
        }
    }

    /// One record of a JSON export: a ticket or conversation, or a user.
    mutating func take(_ object: Any, key: String?, number: Int, path: String, format: HelpdeskFormat) {
        func fail(_ why: String) { errors.append(IngestError(path: path, reason: "record \(number): \(why)")) }
        guard let record = object as? [String: Any] else { return fail("expected an object, found \(JSONRecords.kind(object))") }
        // A person (side-loaded users, an agents or contacts file), not a conversation.
        let userKeys: Set<String> = ["users", "contacts", "agents", "admins", "teammates", "customers"]
        let conversationKeys = ["comments", "conversations", "conversation_parts", "_embedded", "messages", "description",
                                "description_text", "subject", "requester_id", "source"]
        // A Zendesk side conversation, or one of its events.
        if format == .zendesk, ["side_conversations", "side_conversation", "events"].contains(key ?? "")
            || record["side_conversation_id"] != nil
                || (record["participants"] != nil && record["ticket_id"] != nil && record["comments"] == nil) {
            do { try takeSideConversation(record, key: key, number: number, path: path) } catch let p as HelpdeskMapping.Problem { fail(
                p.reason) } catch { fail("\(error)") }
            return
        }
        let looksLikeUser = !conversationKeys.contains { record[$0] != nil }
            && (record["role"] != nil || record["contact"] != nil || record["email"] != nil)
        if userKeys.contains(key ?? "") || (key != "tickets" && key != "conversations" && looksLikeUser) {
            takeUser(record, key: key, format: format)
            return
        }
        do {
            let conversation: HelpdeskConversation
            switch format {
            case .zendesk: conversation = try HelpdeskMapping.zendesk(record, number: number)
            case .freshdesk: conversation = try HelpdeskMapping.freshdesk(record, number: number)
            case .intercom: conversation = try HelpdeskMapping.intercom(record, number: number)
            case .helpscout: conversation = try HelpdeskMapping.helpScout(record, number: number)
            case .front: conversation = try HelpdeskMapping.front(record, number: number)
            case .csv: return fail("a CSV export is not JSON")
            }
            for part in conversation.parts {
                if let a = part.authorID, users[scoped(a, format)] == nil {
                    users[scoped(a, format)] = HelpdeskUser(name: part.authorName, email: part.authorEmail, role: nil)
                }
            }
            conversations.append((path, format, conversation))
            taken += 1
        } catch let error as HelpdeskMapping.Problem {
            // Name the ticket when the problem is with one of its own fields.
            let noun = format == .zendesk || format == .freshdesk ? "ticket" : "conversation"
            if let id = JSONRecords.string(record["id"]), !error.reason.hasPrefix(noun) { fail("\(noun) \(id): \(error.reason)") }
            else { fail(error.reason) }
        } catch {
            fail("\(error)")
        }
    }

    /// A side conversation (its subject and ticket) or one of its events (a message), into the
    /// side conversation it belongs to.
    mutating func takeSideConversation(_ record: [String: Any], key: String?, number: Int, path: String) throws {
        func thread(_ id: String) -> HelpdeskConversation {
            if let known = sideConversations[id] { return known.conversation }
            sideOrder.append(id)
            return HelpdeskConversation(id: "side:\(id)", subject: nil, channel: HelpdeskMapping.sideConversationChannel,
                                        parts: [], record: number)
        }
        if record["side_conversation_id"] != nil || key == "events" {
            let event = try HelpdeskMapping.zendeskSideEvent(record)
            var c = thread(event.conversation)
            if let part = event.part {
                c.parts.append(part)
                if c.subject == nil { c.subject = event.subject.map { $0.replacingOccurrences(of: #"^(?i:re|fwd?):\s*"#, with: "",
                                                                                              options: .regularExpression) } }
                if let a = part.authorID, users[scoped(a, .zendesk)] == nil {
                    users[scoped(a, .zendesk)] = HelpdeskUser(name: part.authorName, email: part.authorEmail, role: nil)
                }
            }
            sideConversations[event.conversation] = (sideConversations[event.conversation]?.path ?? path, c)
        } else {
            let side = try HelpdeskMapping.zendeskSideConversation(record)
            var c = thread(side.id)
            if let subject = side.subject { c.subject = subject }
            sideConversations[side.id] = (sideConversations[side.id]?.path ?? path, c)
            // An export may carry a side conversation's events inside it.
            for (i, e) in (record["events"] as? [Any] ?? []).enumerated() {
                guard let event = e as? [String: Any] else {
                    throw HelpdeskMapping.Problem(
                        reason: "side conversation \(side.id): event \(i + 1): expected an object, found \(JSONRecords.kind(e))")
                }
                var withID = event
                if withID["side_conversation_id"] == nil { withID["side_conversation_id"] = side.id }
                try takeSideConversation(withID, key: "events", number: number, path: path)
            }
        }
        taken += 1
    }

    mutating func takeUser(_ record: [String: Any], key: String?, format: HelpdeskFormat) {
        guard let id = JSONRecords.string(record["id"]) else { return }
        let contact = record["contact"] as? [String: Any]
        var name = JSONRecords.string(record["name"]) ?? JSONRecords.string(contact?["name"])
        if name == nil, let first = JSONRecords.string(record["first"] ?? record["first_name"] ?? record["firstName"]) {
            name = [first, JSONRecords.string(record["last"] ?? record["last_name"] ?? record["lastName"])].compactMap { $0 }
                .joined(separator: " ")
        }
        let email = JSONRecords.string(record["email"]) ?? JSONRecords.string(contact?["email"])
        var role: HelpdeskRole?
        switch (JSONRecords.string(record["role"]) ?? JSONRecords.string(record["type"]))?.lowercased() {
        case "agent", "admin", "user", "teammate": role = .agent
        case "end-user", "contact", "customer", "lead": role = .customer
        default:
            if ["agents", "admins", "teammates"].contains(key ?? "") { role = .agent }
            else if ["contacts", "customers"].contains(key ?? "") { role = .customer }
        }
        users[scoped(id, format)] = HelpdeskUser(name: name, email: email, role: role)
        taken += 1
    }

    func scoped(_ id: String, _ format: HelpdeskFormat) -> String { "\(format.rawValue):\(id)" }

    /// A CSV export: one row per message, grouped into conversations by the conversation column.
    mutating func readCSV(_ file: MappedFile, path: String) {
        let columns = config.helpdesk.csv
        var header: [String: Int] = [:]
        var order: [String] = []
        var byID: [String: HelpdeskConversation] = [:]
        var rowNumber = 0
        CSVRows.scan(file.bytes, consumed: file.release) { fields in
            rowNumber += 1
            if header.isEmpty {
                for (i, name) in fields.enumerated() { header[name.trimmingCharacters(in: .whitespaces).lowercased()] = i }
                let missing = [columns.conversation, columns.body].filter { header[$0.lowercased()] == nil }
                if !missing.isEmpty {
                    errors.append(IngestError(path: path,
                        reason: "the header row has no column \(missing.map { "“\($0)”" }.joined(separator: ", ")) (see helpdesk.csv)"))
                    return false
                }
                return true
            }
            func field(_ name: String) -> String? {
                guard let i = header[name.lowercased()], i < fields.count else { return nil }
                let v = fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
                return v.isEmpty ? nil : v
            }
            guard let id = field(columns.conversation) else {
                errors.append(IngestError(path: path,
                                          reason: "record \(rowNumber - 1): no conversation id (column “\(columns.conversation)”)"))
                return true
            }
            let roleValue = field(columns.role)?.lowercased() ?? ""
            let role: HelpdeskRole = columns.noteRoles.contains(roleValue) ? .note
                : columns.botRoles.contains(roleValue) ? .bot
                : columns.agentRoles.contains(roleValue) ? .agent : .customer
            let body = fields.indices.contains(header[columns.body.lowercased()] ?? -1) ? fields[header[columns.body.lowercased()]!] : ""
            let isHTML = body.range(of: #"<(p|div|br|html|body|span|b|i|a|ul|ol|li|table|blockquote)\b"#,
                                    options: [.regularExpression, .caseInsensitive]) != nil
            let author = field(columns.author)
            var conversation = byID[id] ?? HelpdeskConversation(id: id, subject: field(columns.subject), channel: field(columns.channel),
                                                                parts: [], record: rowNumber - 1)
            conversation.parts.append(HelpdeskPart(id: "\(rowNumber - 1)", role: role, authorID: author, authorName: author,
                                                   authorEmail: nil,
                                                   html: isHTML ? body : nil, text: isHTML ? nil : body,
                                                   date: field(columns.time).flatMap(HelpdeskMapping.date),
                                                       channel: field(columns.channel)))
            if byID[id] == nil { order.append(id) }
            byID[id] = conversation
            return true
        } onError: { why in
            errors.append(IngestError(path: path, reason: "record \(max(rowNumber, 1)): \(why)"))
        }
        for id in order { if let c = byID[id] { conversations.append((path, .csv, c)); taken += 1 } }
    }

    // MARK: Messages

    /// Every conversation read so far as messages, with authors resolved from the users.
    /// The conversations are given up as they become messages: a large export is not held twice.
    public mutating func messages() -> (messages: [MailMessage], errors: [IngestError], leftOut: [(path: String, reason: String)]) {
        var result: [MailMessage] = []
        var notes: [String: (notes: Int, bots: Int, side: Int)] = [:]
        var order: [String] = []
        let (sides, sidesLeftOut) = sideConversationsToScore()
        var all = conversations + sides
        conversations = []
        sideConversations = [:]
        sideOrder = []
        for index in all.indices {
            let (path, format, c) = all[index]
            all[index].conversation.parts = []
            if notes[path] == nil { order.append(path); notes[path] = (0, 0, 0) }
            result += messages(of: c, path: path, format: format, leftOut: &notes[path]!)
        }
        for (path, count) in sidesLeftOut {
            if notes[path] == nil { order.append(path); notes[path] = (0, 0, 0) }
            notes[path]!.side += count
        }
        return (result, errors, Self.leftOut(order.map { ($0, notes[$0]!) }))
    }

    /// One conversation's messages, each agent reply answering the customer's message before it;
    /// internal notes, and bot messages unless scored, are counted in `leftOut` instead.
    func messages(of c: HelpdeskConversation, path: String, format: HelpdeskFormat,
                  leftOut: inout (notes: Int, bots: Int, side: Int)) -> [MailMessage] {
        var result: [MailMessage] = []
        var lastCustomer: MailMessage?
        for part in c.parts {
            var role = part.role
            let user = part.authorID.flatMap { users[scoped($0, format)] }
            // Zendesk marks roles on users, not comments: a public comment by an end-user is the customer's.
            if role == .agent || role == .customer, let known = user?.role { role = known }
            if role == .note { leftOut.notes += 1; continue }
            if role == .bot {
                guard config.helpdesk.bots == .score else { leftOut.bots += 1; continue }
                role = .agent
            }
            var m = message(part, of: c, path: path, format: format, role: role, user: user)
            if role != .agent {
                lastCustomer = m
            } else if let q = lastCustomer {
                m.inReplyTo = q.messageID
                m.references = [q.messageID!]
                if let from = q.from { m.to = [from] }
            }
            result.append(m)
        }
        return result
    }

    /// Side conversations are agents' threads with third parties (a supplier, another team), not
    /// replies to the customer: left out unless `helpdesk.side_conversations: score`, and then
    /// scored on their own channel, each message answering the third party's message before it.
    func sideConversationsToScore() -> (scored: [(path: String, format: HelpdeskFormat, conversation: HelpdeskConversation)],
                                        leftOut: [(path: String, count: Int)]) {
        var sides: [(path: String, format: HelpdeskFormat, conversation: HelpdeskConversation)] = []
        var sidesLeftOut: [(path: String, count: Int)] = []
        for id in sideOrder {
            guard let (path, side) = sideConversations[id] else { continue }
            var c = side
            c.parts = c.parts.enumerated().sorted { a, b in
                (a.element.date ?? .distantPast, a.offset) < (b.element.date ?? .distantPast, b.offset)
            }.map(\.element)
            if config.helpdesk.sideConversations == .score { sides.append((path, .zendesk, c)) }
            else { sidesLeftOut.append((path, c.parts.count)) }
        }
        return (sides, sidesLeftOut)
    }

    /// One part of a conversation as a message, written by `role`.
    func message(_ part: HelpdeskPart, of c: HelpdeskConversation, path: String, format: HelpdeskFormat, role: HelpdeskRole,
                 user: HelpdeskUser?) -> MailMessage {
        let name = user?.name ?? part.authorName
        let email = user?.email ?? part.authorEmail
        let address = email ?? "\(format.rawValue)-user-\(part.authorID ?? "unknown")"
        var m = MailMessage(path: path, index: c.record - 1)
        m.messageID = "\(format.rawValue):\(c.id):\(part.id)"
        // No made-up names: a customer known only by id has none (the wrong-name check then stays quiet).
        m.from = MailAddress(name: name ?? (part.role == .bot ? "bot" : nil), address: address)
        m.to = part.to
        m.date = part.date
        m.subject = c.subject
        m.attachments = part.attachments
        m.headers[Self.roleHeader] = role == .agent ? "agent" : "customer"
        m.headers["x-helpdesk-format"] = format.rawValue
        if let channel = (part.channel ?? c.channel)?.lowercased(), !channel.isEmpty { m.headers[Self.channelHeader] = channel }
        setBody(of: &m, from: part)
        return m
    }

    /// The part's HTML as text (its text when the HTML is too large to parse and a text is given).
    func setBody(of m: inout MailMessage, from part: HelpdeskPart) {
        guard let html = part.html, !html.isEmpty, html.utf8.count <= config.limits.maxHTMLBytes || part.text == nil else {
            m.body = (part.text ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            m.bodyKind = .plain
            return
        }
        if html.utf8.count > config.limits.maxHTMLBytes {
            // Too large to parse safely: the text between the tags is kept.
            m.body = html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
            m.bodyKind = .plain
            m.warnings.append("HTML body larger than limits.max_html_bytes: read without its markup")
        } else {
            let converted = HTMLText.convert(html)
            m.body = converted.text
            m.quoteStartLine = converted.quoteStartLine
            m.bodyKind = .html
            if converted.tooDeep { m.warnings.append("HTML nested too deep: the deeper part was read as flat text") }
        }
    }

    /// What each file left out, in words ("2 internal notes and 1 bot message left out (never scored)").
    static func leftOut(_ counts: [(path: String, n: (notes: Int, bots: Int, side: Int))]) -> [(path: String, reason: String)] {
        var leftOut: [(path: String, reason: String)] = []
        for (path, n) in counts {
            var pieces: [String] = []
            if n.notes > 0 { pieces.append("\(n.notes) internal note\(n.notes == 1 ? "" : "s")") }
            if n.bots > 0 { pieces.append("\(n.bots) bot message\(n.bots == 1 ? "" : "s")") }
            if n.side > 0 { pieces.append("\(n.side) side-conversation message\(n.side == 1 ? "" : "s")") }
            guard let last = pieces.popLast() else { continue }
            leftOut.append((path, (pieces.isEmpty ? last : pieces.joined(separator: ", ") + " and " + last) + " left out (never scored)"))
        }
        return leftOut
    }
}

/// A file mapped read-only into memory: a large export is paged in as it is scanned, and the pages
/// already scanned are given back (`release`), so the memory it takes does not grow with the file.
final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>
    private let base: UnsafeMutableRawPointer?
    private var released = 0
    private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(path: String) throws(IngestError) {
        let (fd, size) = try SystemPath.openRegular(path)
        defer { close(fd) }
        guard size > 0 else {
            base = nil
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw IngestError(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
        _ = madvise(mapped, size, Int32(MADV_SEQUENTIAL))
        base = mapped
        bytes = UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Gives back the whole pages before `offset` once 8 MB have gathered; they are read from the
    /// file again should the scan ever look back (the mapping is private and never written).
    func release(upTo offset: Int) {
        guard let base else { return }
        let end = offset / Self.page * Self.page
        guard end - released >= 8 << 20 else { return }
        _ = madvise(base + released, end - released, Int32(MADV_DONTNEED))
        released = end
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}
