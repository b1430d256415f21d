import Foundation
import ReplyQACore

/// Each helpdesk's JSON record (a ticket or conversation) to its messages, per the vendor's API schema.
enum HelpdeskMapping {
    /// Why one record could not be used.
    struct Problem: Error { var reason: String }

    typealias Object = [String: Any]

    // MARK: Field access that names the field on a wrong type

    static func object(_ o: Object, _ key: String) throws -> Object? {
        guard let v = o[key], !(v is NSNull) else { return nil }
        guard let d = v as? Object else { throw Problem(reason: "\(key): expected an object, found \(JSONRecords.kind(v))") }
        return d
    }

    static func list(_ o: Object, _ key: String) throws -> [Any]? {
        guard let v = o[key], !(v is NSNull) else { return nil }
        guard let a = v as? [Any] else { throw Problem(reason: "\(key): expected a list, found \(JSONRecords.kind(v))") }
        return a
    }

    static func objects(_ o: Object, _ key: String, of owner: String) throws -> [Object] {
        try (list(o, key) ?? []).enumerated().map { i, v in
            guard let d = v as? Object else { throw Problem(reason: "\(owner) \(i + 1): expected an object, found \(JSONRecords.kind(v))") }
            return d
        }
    }

    static func text(_ o: Object, _ key: String) throws -> String? {
        guard let v = o[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw Problem(reason: "\(key): expected text, found \(JSONRecords.kind(v))") }
        return s
    }

    static func flag(_ o: Object, _ key: String) throws -> Bool? {
        guard let v = o[key], !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, JSONRecords.isBoolean(
            n) else { throw Problem(reason: "\(key): expected true or false, found \(JSONRecords.kind(v))") }
        return n.boolValue
    }

    static func id(_ o: Object, _ key: String = "id") throws -> String? {
        guard let v = o[key], !(v is NSNull) else { return nil }
        guard let s = JSONRecords.string(v) else { throw Problem(reason: "\(key): expected an id, found \(JSONRecords.kind(v))") }
        return s
    }

    static func requiredID(_ o: Object, what: String) throws -> String {
        guard let id = try id(o) else { throw Problem(reason: "\(what) without an id") }
        return id
    }

    /// ISO 8601 (with or without fractions) or Unix seconds.
    static func date(_ v: Any?) -> Date? {
        if let n = v as? NSNumber, !JSONRecords.isBoolean(n) { return Date(timeIntervalSince1970: n.doubleValue) }
        guard let s = v as? String else { return nil }
        return date(s)
    }

    static func date(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        if let seconds = Double(s) { return Date(timeIntervalSince1970: seconds) }
        let plain = DateFormatter()
        plain.locale = Locale(identifier: "en_US_POSIX")
        plain.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
            plain.dateFormat = format
            if let d = plain.date(from: s) { return d }
        }
        return nil
    }

    static func attachments(_ list: [Object], name: String, type: String, size: String) -> [Attachment] {
        list.map { a in
            Attachment(filename: a[name] as? String, contentType: (a[type] as? String) ?? "application/octet-stream",
                       size: (a[size] as? NSNumber).map { $0.intValue } ?? 0)
        }
    }

    // MARK: Zendesk (Support API: tickets with `comments`, side-loaded `users`)

    static func zendesk(_ t: Object, number: Int) throws -> HelpdeskConversation {
        let ticketID = try requiredID(t, what: "ticket")
        let requester = try id(t, "requester_id")
        let via = try object(t, "via")
        let ticketChannel = try via.flatMap { try text($0, "channel") }
        // An email ticket names its sender in `via.source.from`, for exports without users.
        let sender = (via?["source"] as? Object)?["from"] as? Object
        guard t["comments"] != nil, !(t["comments"] is NSNull) else { throw Problem(reason: "ticket \(ticketID) has no comments") }
        let comments = try objects(t, "comments", of: "comment")
        if comments.isEmpty { throw Problem(reason: "ticket \(ticketID) has no comments") }
        var parts: [HelpdeskPart] = []
        for (i, c) in comments.enumerated() {
            do {
                let author = try id(c, "author_id")
                let channel = try object(c, "via").flatMap { try text($0, "channel") }
                let isPublic = try flag(c, "public") ?? true
                let role: HelpdeskRole = !isPublic ? .note
                    : (channel ?? "").hasPrefix("answer_bot") ? .bot
                    : author == requester ? .customer : .agent
                let html = try text(c, "html_body")
                let plain = try text(c, "plain_body") ?? text(c, "body")
                let isRequester = author != nil && author == requester
                parts.append(HelpdeskPart(id: try id(c) ?? "\(i + 1)", role: role, authorID: author,
                                          authorName: isRequester ? sender?["name"] as? String : nil,
                                          authorEmail: isRequester ? sender?["address"] as? String : nil, html: html, text: plain,
                                          date: date(c["created_at"]), channel: channel ?? ticketChannel,
                                          attachments: attachments(try objects(c, "attachments", of: "attachment"),
                                                                   name: "file_name", type: "content_type", size: "size")))
            } catch let p as Problem {
                throw Problem(reason: "ticket \(ticketID), comment \(i + 1): \(p.reason)")
            }
        }
        return HelpdeskConversation(id: ticketID, subject: try text(t, "subject") ?? text(t, "raw_subject"), channel: ticketChannel,
                                    parts: parts, record: number)
    }

    // MARK: Zendesk side conversations (`side_conversations` with their `events`)

    /// The channel of side-conversation messages, unless `helpdesk.channels` renames it.
    static let sideConversationChannel = "side_conversation"

    /// A side conversation's own record: its ticket and subject (its messages are its events).
    static func zendeskSideConversation(_ s: Object) throws -> (id: String, ticket: String?, subject: String?) {
        let id = try requiredID(s, what: "side conversation")
        do {
            return (id, try Self.id(s, "ticket_id"), try text(s, "subject"))
        } catch let p as Problem {
            throw Problem(reason: "side conversation \(id): \(p.reason)")
        }
    }

    /// One event of a side conversation: its message, when it has one (`create` and `reply`
    /// events do; `update` events only change its state). A participant with a `user_id` is an
    /// agent; one known only by name and address is the third party the agent wrote to.
    static func zendeskSideEvent(_ e: Object) throws -> (conversation: String, ticket: String?, part: HelpdeskPart?, subject: String?) {
        let eventID = try requiredID(e, what: "side conversation event")
        do {
            guard let conversation = try id(e, "side_conversation_id") else { throw Problem(reason: "no side_conversation_id") }
            let ticket = try id(e, "ticket_id")
            guard let message = try object(e, "message") else { return (conversation, ticket, nil, nil) }
            let from = try object(message, "from") ?? object(e, "actor")
            let author = try from.flatMap { try id($0, "user_id") }
            let to = try objects(message, "to", of: "recipient").compactMap { r -> MailAddress? in
                guard let address = try text(r, "email") else { return nil }
                return MailAddress(name: try text(r, "name"), address: address)
            }
            let part = HelpdeskPart(id: eventID, role: author == nil ? .customer : .agent, authorID: author,
                                    authorName: try from.flatMap { try text($0, "name") },
                                        authorEmail: try from.flatMap { try text($0, "email") },
                                    html: try text(message, "html_body"), text: try text(message, "body") ?? text(message, "preview_text"),
                                    date: date(e["created_at"]), channel: sideConversationChannel,
                                    attachments: attachments(try objects(message, "attachments", of: "attachment"),
                                                             name: "file_name", type: "content_type", size: "size"),
                                    to: to)
            return (conversation, ticket, part, try text(message, "subject"))
        } catch let p as Problem {
            throw Problem(reason: "side conversation event \(eventID): \(p.reason)")
        }
    }

    // MARK: Freshdesk (tickets with `description` and `conversations`)

    /// Freshdesk's numeric `source` codes.
    static let freshdeskSources = [1: "email", 2: "portal", 3: "phone", 5: "twitter", 6: "facebook", 7: "chat",
                                   8: "mobihelp", 9: "feedback_widget", 10: "outbound_email", 13: "whatsapp"]

    static func freshdesk(_ t: Object, number: Int) throws -> HelpdeskConversation {
        let ticketID = try requiredID(t, what: "ticket")
        let requester = try id(t, "requester_id")
        let requesterInfo = try object(t, "requester")
        let channel = (t["source"] as? NSNumber).flatMap { freshdeskSources[$0.intValue] } ?? (t["source"] as? String)
        var parts: [HelpdeskPart] = []
        let description = try text(t, "description"), descriptionText = try text(t, "description_text")
        if description != nil || descriptionText != nil {
            parts.append(HelpdeskPart(id: "description", role: .customer, authorID: requester,
                                      authorName: requesterInfo.flatMap { $0["name"] as? String },
                                      authorEmail: requesterInfo.flatMap { $0["email"] as? String },
                                      html: description, text: descriptionText, date: date(t["created_at"]), channel: channel,
                                      attachments: attachments(try objects(t, "attachments", of: "attachment"), name: "name",
                                                               type: "content_type", size: "size")))
        }
        guard t["conversations"] != nil || !parts.isEmpty else { throw Problem(
            reason: "ticket \(ticketID) has no description or conversations") }
        for (i, c) in try objects(t, "conversations", of: "conversation").enumerated() {
            do {
                let author = try id(c, "user_id")
                let role: HelpdeskRole = try flag(c, "private") == true ? .note
                    : try flag(c, "incoming") == true || (author != nil && author == requester) ? .customer : .agent
                parts.append(HelpdeskPart(id: try id(c) ?? "\(i + 1)", role: role, authorID: author,
                                          authorName: role == .customer ? requesterInfo.flatMap { $0["name"] as? String } : nil,
                                          authorEmail: try text(c, "from_email"),
                                          html: try text(c, "body"), text: try text(c, "body_text"), date: date(c["created_at"]),
                                              channel: channel,
                                          attachments: attachments(try objects(c, "attachments", of: "attachment"), name: "name",
                                                                   type: "content_type", size: "size")))
            } catch let p as Problem {
                throw Problem(reason: "ticket \(ticketID), conversation \(i + 1): \(p.reason)")
            }
        }
        return HelpdeskConversation(id: ticketID, subject: try text(t, "subject"), channel: channel, parts: parts, record: number)
    }

    // MARK: Intercom (conversations with `source` and `conversation_parts`)

    static func intercomPart(_ p: Object, id: String, channel: String?) throws -> HelpdeskPart? {
        let author = try object(p, "author") ?? [:]
        let type = (try text(author, "type") ?? "user").lowercased()
        let partType = try text(p, "part_type") ?? "comment"
        let body = try text(p, "body")
        let files = attachments(try objects(p, "attachments", of: "attachment"), name: "name", type: "content_type", size: "filesize")
        // Assignments, snoozes, opens and closes carry no text: they are events, not messages.
        guard !(body ?? "").isEmpty || !files.isEmpty else { return nil }
        let role: HelpdeskRole = partType == "note" ? .note : type == "bot" ? .bot
            : ["admin", "team"].contains(type) ? .agent : .customer
        return HelpdeskPart(id: try self.id(p) ?? id, role: role, authorID: try self.id(author), authorName: try text(author, "name"),
                            authorEmail: try text(author, "email"), html: body, date: date(p["created_at"]), channel: channel,
                                attachments: files)
    }

    static func intercom(_ c: Object, number: Int) throws -> HelpdeskConversation {
        let conversationID = try requiredID(c, what: "conversation")
        let source = try object(c, "source")
        var channel = try source.flatMap { try text($0, "type") }
        // "conversation" is Intercom's name for a Messenger chat.
        if channel == "conversation" { channel = "chat" }
        var parts: [HelpdeskPart] = []
        do {
            if let source, let first = try intercomPart(source, id: "source", channel: channel) { parts.append(first) }
            let list: [Any]
            if let wrapped = c["conversation_parts"] as? Object { list = try self.list(wrapped, "conversation_parts") ?? [] }
            else { list = try self.list(c, "conversation_parts") ?? [] }
            for (i, p) in list.enumerated() {
                guard let part = p as? Object else { throw Problem(
                    reason: "part \(i + 1): expected an object, found \(JSONRecords.kind(p))") }
                if let made = try intercomPart(part, id: "\(i + 1)", channel: channel) { parts.append(made) }
            }
        } catch let p as Problem {
            throw Problem(reason: "conversation \(conversationID): \(p.reason)")
        }
        if parts.isEmpty { throw Problem(reason: "conversation \(conversationID) has no messages") }
        let subject = try text(c, "title") ?? source.flatMap { try text($0, "subject") }
        return HelpdeskConversation(id: conversationID, subject: subject, channel: channel, parts: parts, record: number)
    }

    // MARK: Help Scout (conversations with `_embedded.threads`)

    static func helpScout(_ c: Object, number: Int) throws -> HelpdeskConversation {
        let conversationID = try requiredID(c, what: "conversation")
        let channel = try text(c, "type") ?? object(c, "source").flatMap { try text($0, "type") }
        guard let embedded = try object(c, "_embedded"), embedded["threads"] != nil else {
            throw Problem(reason: "conversation \(conversationID) has no threads (_embedded.threads)")
        }
        var parts: [(Date?, Int, HelpdeskPart)] = []
        do {
            for (i, t) in try objects(embedded, "threads", of: "thread").enumerated() {
                let type = (try text(t, "type") ?? "").lowercased()
                let by = try object(t, "createdBy") ?? [:]
                let byType = (try text(by, "type") ?? "").lowercased()
                var role: HelpdeskRole
                switch type {
                case "customer": role = .customer
                case "message", "reply": role = .agent
                case "note", "forwardchild", "forwardparent": role = .note
                case "chat", "phone": role = byType == "customer" ? .customer : .agent
                default: continue  // line items: status changes and assignments
                }
                // Mailbox API v3 names its AI-written threads' author `system_user`.
                if byType == "system_user" && role != .note { role = .bot }
                let name = [try text(by, "first"), try text(by, "last")].compactMap { $0 }.joined(separator: " ")
                let files = try object(t, "_embedded").map { try objects($0, "attachments", of: "attachment") } ?? []
                let when = date(t["createdAt"])
                parts.append((when, i, HelpdeskPart(id: try id(t) ?? "\(i + 1)", role: role, authorID: try id(by),
                                                    authorName: name.isEmpty ? nil : name,
                                                   authorEmail: try text(by, "email"), html: try text(t, "body"), date: when,
                                                       channel: channel,
                                                   attachments: attachments(files, name: "filename", type: "mimeType", size: "size"))))
            }
        } catch let p as Problem {
            throw Problem(reason: "conversation \(conversationID): \(p.reason)")
        }
        // The API lists threads newest first; a conversation reads oldest first.
        parts.sort { ($0.0 ?? .distantPast, -$0.1) < ($1.0 ?? .distantPast, -$1.1) }
        if parts.isEmpty { throw Problem(reason: "conversation \(conversationID) has no messages") }
        return HelpdeskConversation(id: conversationID, subject: try text(c, "subject"), channel: channel,
                                    parts: parts.map(\.2), record: number)
    }

    // MARK: Front (conversations with their `messages`)

    static func front(_ c: Object, number: Int) throws -> HelpdeskConversation {
        let conversationID = try requiredID(c, what: "conversation")
        let list: [Object]
        if let wrapped = c["messages"] as? Object { list = try objects(wrapped, "_results", of: "message") }
        else if c["messages"] != nil { list = try objects(c, "messages", of: "message") }
        else { throw Problem(reason: "conversation \(conversationID) has no messages") }
        var parts: [HelpdeskPart] = []
        do {
            for (i, m) in list.enumerated() {
                if try flag(m, "is_draft") == true { continue }
                let inbound = try flag(m, "is_inbound") ?? false
                let author = try object(m, "author")
                let sender = try objects(m, "recipients", of: "recipient").first { ($0["role"] as? String) == "from" }
                var name = author.map { a in [a["first_name"] as? String, a["last_name"] as? String].compactMap { $0 }
                    .joined(separator: " ") }
                if name?.isEmpty ?? true { name = sender?["name"] as? String }
                let email = (author?["email"] as? String) ?? (sender?["handle"] as? String)
                parts.append(HelpdeskPart(id: try id(m) ?? "\(i + 1)", role: inbound ? .customer : .agent,
                                          authorID: try author.flatMap { try id($0) } ?? email, authorName: name, authorEmail: email,
                                          html: try text(m, "body"), text: try text(m, "text"), date: date(m["created_at"]),
                                          channel: try text(m, "type"),
                                          attachments: attachments(try objects(m, "attachments", of: "attachment"), name: "filename",
                                                                   type: "content_type", size: "size")))
            }
            // Front lists a conversation's messages newest first.
            parts.sort { ($0.date ?? .distantPast) < ($1.date ?? .distantPast) }
            // Comments are teammates' internal discussion: counted as notes, never scored.
            for (i, _) in try objects(c, "comments", of: "comment").enumerated() {
                parts.append(HelpdeskPart(id: "comment-\(i + 1)", role: .note))
            }
        } catch let p as Problem {
            throw Problem(reason: "conversation \(conversationID): \(p.reason)")
        }
        if parts.isEmpty { throw Problem(reason: "conversation \(conversationID) has no messages") }
        return HelpdeskConversation(id: conversationID, subject: try text(c, "subject"), channel: nil, parts: parts, record: number)
    }
}
