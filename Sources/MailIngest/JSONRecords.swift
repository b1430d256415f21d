import Foundation

/// What the record scanner found: one record (with the envelope key it was listed under), or why one could not be read.
enum JSONRecord {
    case record(key: String?, value: Any)
    case problem(String)
}

/// Splits a JSON export into records without parsing it whole: JSON lines are read line by line,
/// and a JSON document's record lists (`{"tickets": [...]}`, a top-level array, `_embedded`) are
/// cut into their elements by a byte scan, each parsed on its own, so one broken record costs only itself.
enum JSONRecords {
    /// Keys whose list holds the records of an envelope document.
    static let envelopeKeys: Set<String> = ["tickets", "conversations", "users", "contacts", "agents", "admins",
                                            "teammates", "customers", "_results", "results", "data", "items",
                                            "side_conversations", "events"]
    /// Keys that hold a single record (`{"ticket": {...}}`).
    static let singleKeys: Set<String> = ["ticket", "conversation", "side_conversation"]

    /// `lines`: the file is JSON lines by its name (`.jsonl`, `.ndjson`), so a broken first line is one bad record.
    static func scan(_ data: Data, maxRecordBytes: Int, lines: Bool = false, _ body: (JSONRecord) -> Void) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            scan(raw.bindMemory(to: UInt8.self), maxRecordBytes: maxRecordBytes, lines: lines, consumed: { _ in }, body)
        }
    }

    /// `consumed` is told, after each record, the offset before which the scan reads no more, so
    /// the caller can let go of those bytes (the pages of a mapped file).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, maxRecordBytes: Int, lines: Bool = false,
                     consumed: (Int) -> Void, _ body: (JSONRecord) -> Void) {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        withoutActuallyEscaping(body) { emit in
            withoutActuallyEscaping(consumed) { consumed in
                Scanner(bytes: bytes, maxRecordBytes: maxRecordBytes, emit: emit, consumed: consumed).run(from: start, lines: lines)
            }
        }
    }

    /// A JSON value's kind, for messages ("text", "a number", ...).
    static func kind(_ v: Any) -> String {
        switch v {
        case is String: return "text"
        case let n as NSNumber: return isBoolean(n) ? "true/false" : "a number"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        default: return "\(type(of: v))"
        }
    }

    static func isBoolean(_ n: NSNumber) -> Bool {
        #if canImport(Darwin)
        return CFGetTypeID(n) == CFBooleanGetTypeID()
        #else
        return String(cString: n.objCType) == "c"
        #endif
    }

    /// An id as text: strings as they are, whole numbers without a fraction.
    static func string(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s.isEmpty ? nil : s
        case let n as NSNumber where !isBoolean(n):
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : n.stringValue
        default: return nil
        }
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxRecordBytes: Int
        let emit: (JSONRecord) -> Void
        let consumed: (Int) -> Void

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        func skipSpace(_ i: Int) -> Int {
            var i = i
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            return i
        }

        /// The index just past the value starting at `i`; nil when the file ends inside it.
        func skipValue(_ i: Int) -> Int? {
            guard i < bytes.count else { return nil }
            var i = i
            switch bytes[i] {
            case UInt8(ascii: "\""):
                i += 1
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
                    i += 1
                }
                return nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: "\""):
                        guard let end = skipValue(i) else { return nil }
                        i = end
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return i + 1 }
                    default: break
                    }
                    i += 1
                }
                return nil
            default:
                while i < bytes.count, !isSpace(bytes[i]),
                    ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(bytes[i]) { i += 1 }
                return i
            }
        }

        func parse(_ range: Range<Int>) -> Any? {
            try? JSONSerialization.jsonObject(with: Data(UnsafeBufferPointer(rebasing: bytes[range])), options: [.fragmentsAllowed])
        }

        func run(from start: Int, lines isLines: Bool) {
            let first = skipSpace(start)
            guard first < bytes.count else { return emit(.problem("no JSON in the file")) }
            if isLines { return lines(from: first) }
            guard bytes[first] == UInt8(ascii: "{") || bytes[first] == UInt8(ascii: "[") else {
                return emit(.problem("not JSON: expected { or [ at the start"))
            }
            // JSON lines: the first line is a whole value on its own.
            var lineEnd = first
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd < bytes.count, skipValue(first).map({ skipSpace($0) >= lineEnd }) == true, parse(first..<lineEnd) != nil {
                return lines(from: first)
            }
            document(from: first)
        }

        func lines(from start: Int) {
            var i = start
            while i < bytes.count {
                var end = i
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                let range = i..<end
                i = end + 1
                defer { consumed(min(i, bytes.count)) }
                guard range.contains(where: { !isSpace(bytes[$0]) }) else { continue }
                if range.count > maxRecordBytes {
                    emit(.problem("a record of \(range.count) bytes is larger than limits.max_message_bytes"))
                    continue
                }
                guard let value = parse(range) else {
                    let truncated = end >= bytes.count || skipValue(skipSpace(range.lowerBound)).map { $0 > end } ?? true
                    emit(.problem(truncated ? "truncated JSON: the line ends inside the record" : "invalid JSON"))
                    continue
                }
                unwrap(value, key: nil)
            }
        }

        /// A parsed value: an envelope gives its records, anything else is one record.
        func unwrap(_ value: Any, key: String?) {
            if let list = value as? [Any] {
                for v in list { emit(.record(key: key, value: v)) }
                return
            }
            if let object = value as? [String: Any], object["id"] == nil {
                var found = false
                for k in object.keys.sorted() {
                    if envelopeKeys.contains(k), let list = object[k] as? [Any] {
                        found = true
                        for v in list { emit(.record(key: k, value: v)) }
                    } else if singleKeys.contains(k), let one = object[k] as? [String: Any] {
                        found = true
                        emit(.record(key: k, value: one))
                    } else if k == "_embedded", let inner = object[k] as? [String: Any] {
                        found = true
                        unwrap(inner, key: nil)
                    }
                }
                if found { return }
            }
            emit(.record(key: key, value: value))
        }

        /// One record of a document, parsed on its own.
        func record(_ range: Range<Int>, key: String?) {
            if range.count > maxRecordBytes {
                return emit(.problem("a record of \(range.count) bytes is larger than limits.max_message_bytes"))
            }
            guard let value = parse(range) else { return emit(.problem("invalid JSON")) }
            emit(.record(key: key, value: value))
        }

        /// The elements of the list starting at `i` (a `[`); returns the index past it, nil when truncated.
        /// A broken record (an unclosed quote or bracket, a missing comma) costs only itself: reading
        /// resumes at the next element that has the shape of the records before it (see `resync`).
        func elements(_ i: Int, key: String?) -> Int? {
            var i = skipSpace(i + 1)
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { return i + 1 }
            var shape: Set<String> = []
            while i < bytes.count {
                consumed(i)
                let end = skipValue(i)
                // A value that parses is a record; one that does not may have run on into the records after it.
                let tooLarge = end.map { $0 - i > maxRecordBytes } ?? false
                let value = end.flatMap { tooLarge ? nil : parse(i..<$0) }
                if let end, tooLarge || value != nil {
                    if tooLarge { emit(.problem("a record of \(end - i) bytes is larger than limits.max_message_bytes")) }
                    else if let value {
                        emit(.record(key: key, value: value))
                        if shape.isEmpty, let object = value as? [String: Any] { shape = Set(object.keys) }
                    }
                    i = skipSpace(end)
                    guard i < bytes.count else { break }
                    if bytes[i] == UInt8(ascii: "]") { return i + 1 }
                    if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1); continue }
                    guard let next = resync(from: i, shape: shape) else {
                        emit(.problem("invalid JSON: expected , or ] after a record"))
                        return nil
                    }
                    emit(.problem("invalid JSON: expected , or ] after a record; reading resumes at the next record"))
                    i = next
                    continue
                }
                // A balanced value that does not parse is one bad record, unless a record starts inside it.
                if let next = resync(from: i + 1, shape: shape, before: end) {
                    emit(.problem("invalid JSON: the record is broken (an unclosed quote or bracket?); reading resumes at the next record"))
                    i = next
                    continue
                }
                if let end {
                    emit(.problem("invalid JSON"))
                    i = skipSpace(end)
                    guard i < bytes.count else { break }
                    if bytes[i] == UInt8(ascii: "]") { return i + 1 }
                    guard bytes[i] == UInt8(ascii: ",") else {
                        emit(.problem("invalid JSON: expected , or ] after a record"))
                        return nil
                    }
                    i = skipSpace(i + 1)
                    continue
                }
                emit(.problem("truncated JSON: the file ends inside this record"))
                return nil
            }
            emit(.problem("truncated JSON: the file ends inside the list of records"))
            return nil
        }

        /// Where reading can resume after a broken record: the next `{` after a `,` that is a whole
        /// object followed by `,` or `]`, with the shape of the list's first good record (at least half
        /// of its keys in common), so an object nested inside the broken record (a comment of a ticket)
        /// is not taken for a record. The search reads a bounded number of bytes, so a hostile file
        /// cannot make it quadratic; nil when nothing is found.
        func resync(from start: Int, shape: Set<String>, before limit: Int? = nil) -> Int? {
            var budget = max(64 * 1_048_576, 4 * maxRecordBytes)
            var p = start
            while p < (limit ?? bytes.count), budget > 0 {
                guard bytes[p] == UInt8(ascii: "{") else { p += 1; budget -= 1; continue }
                var q = p - 1
                while q >= start, isSpace(bytes[q]) { q -= 1 }
                // Right where the search starts, a record may follow the one before without its comma.
                guard p == start || (q >= start && bytes[q] == UInt8(ascii: ",")) else { p += 1; budget -= 1; continue }
                guard let end = skipValue(p) else { return nil }
                budget -= end - p
                let after = skipSpace(end)
                if after < bytes.count, bytes[after] == UInt8(ascii: ",") || bytes[after] == UInt8(ascii: "]"),
                   end - p <= maxRecordBytes, let object = parse(p..<end) as? [String: Any] {
                    let keys = Set(object.keys)
                    if shape.isEmpty || keys.intersection(shape).count * 2 >= max(keys.union(shape).count, 1) { return p }
                }
                p += 1
            }
            return nil
        }

        /// A document: a list of records, or an object whose record lists are cut into records. An
        /// object with an `id` of its own is one record, read whole.
        func document(from first: Int) {
            // Pages saved one after another (`{...}{...}`) are read in turn.
            var i = first
            while i < bytes.count {
                let next: Int?
                if bytes[i] == UInt8(ascii: "[") { next = elements(i, key: nil) }
                else if bytes[i] == UInt8(ascii: "{") {
                    if let end = skipValue(i), hasOwnID(i) { record(i..<end, key: nil); next = end }
                    else { next = members(i, depth: 0) }
                } else {
                    emit(.problem("invalid JSON: expected { or [ after the end of the document"))
                    return
                }
                guard let n = next else { return }
                i = skipSpace(n)
            }
        }

        /// Whether the object at `i` has an "id" member of its own (a single record, not an envelope).
        func hasOwnID(_ i: Int) -> Bool {
            var found = false
            _ = walk(i) { key, _ in if key == "id" { found = true }; return false }
            return found
        }

        /// Visits the members of the object at `i` (name, where its value starts). Returns the index
        /// past the object, nil when truncated.
        func walk(_ i: Int, _ visit: (String, Int) -> Bool) -> Int? {
            var i = skipSpace(i + 1)
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "}") { return i + 1 }
                guard bytes[i] == UInt8(ascii: "\""), let keyEnd = skipValue(i) else { return nil }
                let key = (parse(i..<keyEnd) as? String) ?? ""
                i = skipSpace(keyEnd)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i = skipSpace(i + 1)
                guard i < bytes.count else { return nil }
                let valueStart = i
                guard let valueEnd = skipValue(i) else { return nil }
                _ = visit(key, valueStart)
                i = skipSpace(valueEnd)
                guard i < bytes.count else { return nil }
                if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1) }
            }
            return nil
        }

        /// The members of an envelope object: record lists become records, `_embedded` is looked into.
        func members(_ i: Int, depth: Int) -> Int? {
            var i = skipSpace(i + 1)
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "}") { return i + 1 }
                guard bytes[i] == UInt8(ascii: "\""), let keyEnd = skipValue(i) else {
                    emit(.problem("invalid JSON: expected a member name"))
                    return nil
                }
                let key = (parse(i..<keyEnd) as? String) ?? ""
                i = skipSpace(keyEnd)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                    emit(.problem("invalid JSON: expected : after “\(key)”"))
                    return nil
                }
                i = skipSpace(i + 1)
                guard i < bytes.count else { break }
                var next: Int?
                if envelopeKeys.contains(key), bytes[i] == UInt8(ascii: "[") {
                    next = elements(i, key: key)
                    if next == nil { return nil }
                } else if key == "_embedded", depth < 2, bytes[i] == UInt8(ascii: "{") {
                    next = members(i, depth: depth + 1)
                    if next == nil { return nil }
                } else if singleKeys.contains(key), bytes[i] == UInt8(ascii: "{") {
                    guard let end = skipValue(i) else { break }
                    record(i..<end, key: key)
                    next = end
                } else {
                    next = skipValue(i)
                }
                guard let n = next else { break }
                i = skipSpace(n)
                guard i < bytes.count else { break }
                if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1) }
            }
            emit(.problem("truncated JSON: the file ends inside the document"))
            return nil
        }
    }
}

/// Rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line breaks).
enum CSVRows {
    /// Calls `row` for each row until it returns false; `onError` for a row that cannot be read.
    static func scan(_ data: Data, row: ([String]) -> Bool, onError: (String) -> Void) {
        data.withUnsafeBytes { raw in scan(raw.bindMemory(to: UInt8.self), consumed: { _ in }, row: row, onError: onError) }
    }

    /// The same over bytes, field by field: the file is never decoded whole (its delimiters are
    /// ASCII, which no byte of a multi-byte UTF-8 character can be). `consumed` is told, after each
    /// row, the offset before which the scan reads no more.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, consumed: (Int) -> Void, row: ([String]) -> Bool, onError: (String) -> Void) {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var any = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            any = true
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\"") where field.isEmpty && !wasQuoted: quoted = true; wasQuoted = true
            case UInt8(ascii: ","): endField()
            case UInt8(ascii: "\r"): continue
            case UInt8(ascii: "\n"):
                endField()
                if !(fields.count == 1 && fields[0].isEmpty) { if !row(fields) { return } }
                fields = []; any = false
                consumed(i)
            default: field.append(c)
            }
        }
        if quoted { onError("the file ends inside a quoted field"); return }
        if any || !field.isEmpty || !fields.isEmpty {
            endField()
            _ = row(fields)
        }
    }
}

/// One CSV row, for sniffing a header line.
func parseCSVRow(_ line: String) -> [String] {
    var result: [String] = []
    CSVRows.scan(Data(line.utf8), row: { result = $0; return false }, onError: { _ in })
    return result
}
