import Foundation
internal import CGMime
import ReplyQACore

/// Parses RFC 5322 messages and mbox files with GMime, keeping GLib types inside this file.
public struct MimeParser: Sendable {
    public var limits: Limits

    public init(limits: Limits = Limits()) {
        _ = MimeParser.initialized
        self.limits = limits
    }

    /// GMime needs one global initialisation; `static let` runs it once, thread-safely.
    private static let initialized: Bool = {
        g_mime_init()
        // Raw 8-bit headers without RFC 2047 encoding: try UTF-8, then Windows-1252.
        let charsets = ["UTF-8", "windows-1252"]
        var cStrings: [UnsafePointer<CChar>?] = charsets.map { UnsafePointer(strdup($0)) }
        cStrings.append(nil)
        cStrings.withUnsafeMutableBufferPointer { buf in
            g_mime_parser_options_set_fallback_charsets(g_mime_parser_options_get_default(), buf.baseAddress)
        }
        return true
    }()

    /// Parses one message held in memory.
    public func parseMessage(_ data: [UInt8], path: String) throws(IngestError) -> MailMessage {
        if OutlookMessage.isOutlook(data) {
            // An Outlook file: converted to MIME first; its attachments may make that up to twice the size.
            var relaxed = limits
            relaxed.maxMessageBytes = limits.maxMessageBytes > Int.max / 2 ? Int.max : limits.maxMessageBytes * 2
            let mime = try OutlookMessage.mime(data, name: path, limits: limits)
            guard !OutlookMessage.isOutlook(mime) else { throw IngestError(path: path, reason: "msgconvert gave an Outlook file back") }
            return try MimeParser(limits: relaxed).parseMessage(mime, path: path)
        }
        try checkPlausible(data, path: path)
        // A byte array of exactly the message's size: the stream's own copy would round it up to a
        // power of two.
        let bytes = g_byte_array_sized_new(guint(data.count))
        data.withUnsafeBufferPointer { buf in _ = g_byte_array_append(bytes, buf.baseAddress, guint(buf.count)) }
        let stream = g_mime_stream_mem_new_with_byte_array(bytes)
        guard let stream else { throw IngestError(path: path, reason: "out of memory") }
        defer { g_object_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else {
            throw IngestError(path: path, reason: "could not start the MIME parser")
        }
        defer { g_object_unref(parser) }
        g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE)
        guard let message = g_mime_parser_construct_message(parser, nil) else {
            throw IngestError(path: path, reason: "not a MIME message: no headers could be parsed")
        }
        defer { g_object_unref(message) }
        return try convert(message, path: path, index: nil)
    }

    /// Reads every message of an mbox file, streaming from disk; calls `handle` per message or error.
    public func parseMbox(path: String, _ handle: (Result<MailMessage, IngestError>) -> Void) {
        // Opened by its real bytes, and only if it is a regular file (a FIFO would block).
        let fd: Int32
        do { fd = try SystemPath.openRegular(path).fd } catch {
            handle(.failure(error))
            return
        }
        guard let stream = g_mime_stream_fs_new(fd) else {
            close(fd)
            handle(.failure(IngestError(path: path, reason: "cannot read file")))
            return
        }
        defer { g_object_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else { return }
        defer { g_object_unref(parser) }
        g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX)
        var index = 0
        while g_mime_parser_eos(parser) == 0 {
            let begin = g_mime_parser_tell(parser)
            guard let message = g_mime_parser_construct_message(parser, nil) else {
                if index == 0 {
                    handle(.failure(IngestError(path: path, reason: "not an mbox file: no \"From \" separator line found")))
                }
                break
            }
            let size = Int(g_mime_parser_tell(parser) - begin)
            if size > limits.maxMessageBytes {
                handle(.failure(IngestError(path: "\(path)#\(index + 1)",
                    reason: "message is \(size / 1_048_576) MB, over the limit of \(limits.maxMessageBytes / 1_048_576) MB")))
            } else {
                do {
                    var converted = try convert(message, path: path, index: index)
                    converted.sourceRange = Int(begin)..<Int(begin) + size
                    handle(.success(converted))
                } catch { handle(.failure(error)) }
            }
            g_object_unref(message)
            index += 1
        }
    }

    /// Rejects input that is obviously not mail before GMime turns it into an empty message.
    func checkPlausible(_ data: [UInt8], path: String) throws(IngestError) {
        if data.isEmpty { throw IngestError(path: path, reason: "empty file") }
        if data.count > limits.maxMessageBytes {
            throw IngestError(path: path,
                              reason: "message is \(data.count / 1_048_576) MB, over the limit of \(limits.maxMessageBytes / 1_048_576) MB")
        }
        let head = data.prefix(4096)
        if data[..<Self.headerEnd(data)].contains(0) {
            throw IngestError(path: path, reason: "binary data, not an email (NUL bytes in the header area)")
        }
        // The first line must look like a header ("Name: value") or an mbox "From " line.
        let firstLine = head.prefix { $0 != 0x0A }
        let text = String(decoding: firstLine, as: UTF8.self)
        let looksLikeHeader = text.range(of: #"^[!-9;-~]+:"#, options: .regularExpression) != nil || text.hasPrefix("From ")
        if !looksLikeHeader { throw IngestError(path: path, reason: "not an email: the first line is not a header") }
    }

    /// The text with CR LF line breaks as LF; the same string when it has none (no copy).
    static func unixLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingCR = false
        for b in text.utf8 {
            if pendingCR, b != 0x0A { bytes.append(0x0D) }
            pendingCR = b == 0x0D
            if !pendingCR { bytes.append(b) }
        }
        if pendingCR { bytes.append(0x0D) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where the header ends: at the first empty line, else at the end of the data.
    static func headerEnd(_ data: [UInt8]) -> Int {
        var i = 0
        while i < data.count {
            guard let newline = data[i...].firstIndex(of: 0x0A) else { return data.count }
            let next = newline + 1
            if next < data.count, data[next] == 0x0A { return next }
            if next + 1 < data.count, data[next] == 0x0D, data[next + 1] == 0x0A { return next }
            i = next
        }
        return data.count
    }

    // MARK: - GMime objects to Swift values

    func convert(_ message: UnsafeMutablePointer<GMimeMessage>, path: String, index: Int?) throws(IngestError) -> MailMessage {
        let object = asObject(message)
        var result = MailMessage(path: path, index: index)
        result.headers = headers(of: object)
        if result.headers.isEmpty {
            throw IngestError(path: index.map { "\(path)#\($0 + 1)" } ?? path, reason: "not an email: no headers found")
        }
        result.messageID = g_mime_message_get_message_id(message).map { String(cString: $0) }
        result.subject = g_mime_message_get_subject(message).map { String(cString: $0) }
        result.inReplyTo = messageIDs(result.headers["in-reply-to"]).last
        result.references = messageIDs(result.headers["references"])
        result.from = addresses(g_mime_message_get_from(message)).first
        result.to = addresses(g_mime_message_get_to(message))
        result.cc = addresses(g_mime_message_get_cc(message))
        if let date = g_mime_message_get_date(message) {
            result.date = Date(timeIntervalSince1970: TimeInterval(g_date_time_to_unix(date)))
        }
        var walk = BodyWalk()
        if let part = g_mime_message_get_mime_part(message) {
            self.walk(part, depth: 0, inRelated: false, into: &walk)
        }
        result.attachments = walk.attachments
        result.warnings = walk.warnings
        if walk.nuls > 0 {
            result.warnings.append("the body text held \(walk.nuls) NUL character\(walk.nuls == 1 ? "" : "s"), dropped")
        }
        if let html = walk.html {
            if html.count > limits.maxHTMLBytes {
                result.warnings.append(
                    "HTML body is \(html.count / 1024) KB, over the limit of \(limits.maxHTMLBytes / 1024) KB; used the plain-text part " +
                        "or truncated text")
            }
            if html.count <= limits.maxHTMLBytes || walk.plain == nil {
                let limited = html.count > limits.maxHTMLBytes ? String(html.prefix(limits.maxHTMLBytes)) : html
                let converted = HTMLText.convert(limited)
                if converted.tooDeep {
                    result.warnings.append("HTML body is nested deeper than 256 levels; "
                        + (walk.plain == nil ? "the deeper part was read as flat text" : "used the plain-text part"))
                }
                // A plain-text alternative says the same without the structure that was lost.
                if !converted.tooDeep || walk.plain == nil {
                    result.body = converted.text
                    result.quoteStartLine = converted.quoteStartLine
                    result.bodyKind = .html
                    return result
                }
            }
        }
        if let plain = walk.plain {
            result.body = walk.flowed.map { FormatFlowed.decode(plain, delSp: $0) } ?? plain
            result.body = Self.unixLineBreaks(result.body)
            result.bodyKind = walk.flowed == nil ? .plain : .flowed
        }
        return result
    }

    /// What walking the MIME tree found: the first text and HTML bodies, and the attachments.
    struct BodyWalk {
        var plain: String?
        var flowed: Bool?  // delsp when the plain body is format=flowed
        var html: String?
        var attachments: [Attachment] = []
        var warnings: [String] = []
        var depthWarned = false
        /// NUL characters taken out of decoded text (base64 or quoted-printable can carry them).
        var nuls = 0

        mutating func withoutNULs(_ text: String) -> String {
            guard text.utf8.contains(0) else { return text }
            nuls += text.utf8.reduce(0) { $1 == 0 ? $0 + 1 : $0 }
            return text.replacingOccurrences(of: "\u{0}", with: "")
        }
    }

    func walk(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int, inRelated: Bool, into state: inout BodyWalk) {
        if depth > limits.maxMimeDepth {
            if !state.depthWarned {
                state.warnings.append("MIME nesting deeper than \(limits.maxMimeDepth) levels; deeper parts were ignored")
                state.depthWarned = true
            }
            return
        }
        let contentType = g_mime_object_get_content_type(object)
        let type = contentType.flatMap { g_mime_content_type_get_media_type($0) }.map { String(cString: $0).lowercased() } ?? "text"
        let subtype = contentType.flatMap { g_mime_content_type_get_media_subtype($0) }.map { String(cString: $0).lowercased() } ?? "plain"
        if isA(object, g_mime_multipart_get_type()) {
            let multipart = UnsafeMutableRawPointer(object).assumingMemoryBound(to: GMimeMultipart.self)
            let count = g_mime_multipart_get_count(multipart)
            for i in 0..<max(0, count) {
                if let child = g_mime_multipart_get_part(multipart, i) {
                    walk(child, depth: depth + 1, inRelated: inRelated || subtype == "related", into: &state)
                }
            }
            return
        }
        if isA(object, g_mime_message_part_get_type()) {
            // A forwarded or attached message: listed, never mistaken for the reply's own body.
            let name = g_mime_object_get_content_type_parameter(object, "name").map { String(cString: $0) }
            state.attachments.append(Attachment(filename: name, contentType: "\(type)/\(subtype)", size: 0))
            return
        }
        guard isA(object, g_mime_part_get_type()) else { return }
        let part = UnsafeMutableRawPointer(object).assumingMemoryBound(to: GMimePart.self)
        let filename = g_mime_part_get_filename(part).map { String(cString: $0) }
        let disposition = g_mime_object_get_disposition(object).map { String(cString: $0).lowercased() }
        let isAttachment = disposition == "attachment" || (filename != nil && type != "text")
            || (type != "text" && type != "multipart")
        let bytes = decodedContent(part)
        if isAttachment || (filename != nil && disposition != "inline") {
            let hasContentID = g_mime_object_get_content_id(object) != nil
            // Inline images of an HTML body (multipart/related with a Content-ID) are not attachments.
            if !(inRelated && hasContentID && disposition != "attachment") {
                state.attachments.append(Attachment(filename: filename, contentType: "\(type)/\(subtype)", size: bytes.count))
            }
            return
        }
        guard type == "text" else { return }
        var charset = g_mime_object_get_content_type_parameter(object, "charset").map { String(cString: $0) }
        if subtype == "html" {
            guard state.html == nil else { return }
            if charset == nil { charset = sniffHTMLCharset(bytes) }
            let (text, warning) = CharsetDecoder.decode(bytes, charset: charset)
            if let warning { state.warnings.append(warning) }
            state.html = state.withoutNULs(text)
        } else if subtype == "plain" || subtype == "enriched" {
            guard state.plain == nil else { return }
            let (text, warning) = CharsetDecoder.decode(bytes, charset: charset)
            if let warning { state.warnings.append(warning) }
            state.plain = state.withoutNULs(text)
            let format = g_mime_object_get_content_type_parameter(object, "format").map { String(cString: $0).lowercased() }
            if format == "flowed" {
                let delsp = g_mime_object_get_content_type_parameter(object, "delsp").map { String(cString: $0).lowercased() }
                state.flowed = delsp == "yes"
            }
        }
    }

    /// The part's bytes with its transfer encoding (base64, quoted-printable, uuencode) undone.
    func decodedContent(_ part: UnsafeMutablePointer<GMimePart>) -> [UInt8] {
        guard let wrapper = g_mime_part_get_content(part), let stream = g_mime_stream_mem_new() else { return [] }
        defer { g_object_unref(stream) }
        _ = g_mime_data_wrapper_write_to_stream(wrapper, stream)
        let mem = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: GMimeStreamMem.self)
        guard let array = g_mime_stream_mem_get_byte_array(mem), let data = array.pointee.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(array.pointee.len)))
    }

    func sniffHTMLCharset(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        guard let range = head.range(of: #"charset\s*=\s*["']?([a-z0-9_\-:.]+)"#, options: .regularExpression) else { return nil }
        let match = head[range]
        return match.split(whereSeparator: { $0 == "=" }).last.map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
    }

    func headers(of object: UnsafeMutablePointer<GMimeObject>) -> [String: String] {
        guard let list = g_mime_object_get_header_list(object) else { return [:] }
        var result: [String: String] = [:]
        for i in 0..<g_mime_header_list_get_count(list) {
            guard let header = g_mime_header_list_get_header_at(list, i),
                  let name = g_mime_header_get_name(header) else { continue }
            let key = String(cString: name).lowercased()
            if result[key] != nil { continue }
            let value = g_mime_header_get_value(header).map { String(cString: $0) } ?? ""
            result[key] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return result
    }

    func messageIDs(_ header: String?) -> [String] {
        guard let header, !header.isEmpty else { return [] }
        guard let refs = g_mime_references_parse(nil, header) else { return [] }
        defer { g_mime_references_free(refs) }
        return (0..<g_mime_references_length(refs)).compactMap {
            g_mime_references_get_message_id(refs, $0).map { String(cString: $0) }
        }
    }

    func addresses(_ list: UnsafeMutablePointer<InternetAddressList>?) -> [MailAddress] {
        guard let list else { return [] }
        var result: [MailAddress] = []
        for i in 0..<internet_address_list_length(list) {
            guard let address = internet_address_list_get_address(list, i) else { continue }
            let object = UnsafeMutableRawPointer(address)
            if isA(object, internet_address_mailbox_get_type()) {
                let mailbox = object.assumingMemoryBound(to: InternetAddressMailbox.self)
                let addr = internet_address_mailbox_get_addr(mailbox).map { String(cString: $0) } ?? ""
                let name = internet_address_get_name(address).map { String(cString: $0) }
                result.append(MailAddress(name: name?.isEmpty == true ? nil : name, address: addr))
            } else if isA(object, internet_address_group_get_type()) {
                let group = object.assumingMemoryBound(to: InternetAddressGroup.self)
                result += addresses(internet_address_group_get_members(group))
            }
        }
        return result
    }

    func asObject<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<GMimeObject> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: GMimeObject.self)
    }

    /// GLib's type-check macros do not import into Swift; this is what they expand to.
    func isA<T>(_ pointer: UnsafeMutablePointer<T>, _ type: GType) -> Bool {
        isA(UnsafeMutableRawPointer(pointer), type)
    }
    func isA(_ pointer: UnsafeMutableRawPointer, _ type: GType) -> Bool {
        g_type_check_instance_is_a(pointer.assumingMemoryBound(to: GTypeInstance.self), type) != 0
    }
}
