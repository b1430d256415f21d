import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailIngest
import ReplyQACore

/// One file to read, and how.
public struct InputFile: Sendable, Equatable {
    public enum Kind: String, Sendable { case message, mbox, helpdesk }
    public var path: String
    public var kind: Kind
    /// For a helpdesk export: which helpdesk wrote it.
    public var format: HelpdeskFormat? = nil
}

/// How inputs are read: mail and exports told apart by their content, only as mail, or as one helpdesk's export.
public enum InputFormat: String, CaseIterable, Sendable {
    case auto, mail, zendesk, freshdesk, intercom, helpscout, front, csv
    /// The forced helpdesk, if any.
    public var helpdesk: HelpdeskFormat? { HelpdeskFormat(rawValue: rawValue) }
}

/// An input that was deliberately not read, with the reason (it is reported, never dropped).
public struct SkippedInput: Codable, Sendable, Equatable {
    public var path: String
    public var reason: String
}

/// Expands command-line paths into mail files: `.eml` files, mbox files, Maildir folders and
/// directories searched recursively, in a deterministic (sorted) order. Only regular files are
/// read; symbolic links are followed, but each real file and folder (device and inode) is visited
/// once, and file names need not be UTF-8.
public enum InputDiscovery {
    /// Extensions that are never mail, so a folder of samples can hold docs and config.
    static let nonMailExtensions: Set<String> = ["md", "yml", "yaml", "json", "csv", "html", "htm", "txt", "pdf",
                                                 "png", "jpg", "jpeg", "gif", "zip", "gz", "swift", "sh", "db", "sqlite"]

    public static func discover(_ paths: [String], format: InputFormat = .auto, csv: CSVColumns = CSVColumns()) -> (files: [InputFile],
        skipped: [SkippedInput], errors: [IngestError]) {
        var walk = Walk()
        walk.format = format
        walk.csv = csv
        for path in paths {
            let bytes = SystemPath.bytes(path)
            switch walk.look(at: bytes, shown: path) {
            case .missing:
                walk.errors.append(IngestError(path: path, reason: "no such file or directory"))
            case .unusable(let why, let isError):
                if isError { walk.errors.append(IngestError(path: path, reason: why)) }
                else { walk.skipped.append(SkippedInput(path: path, reason: why)) }
            case .folder(let id):
                walk.folder(bytes, shown: path, id: id, inMaildir: false)
            case .file(let id):
                // A file named on the command line is always tried, whatever its extension; an
                // Outlook file is converted when msgconvert is installed, else it fails with the advice.
                if isOutlookFile(path) {
                    if walk.canConvertOutlook { walk.add(InputFile(path: path, kind: .message), id: id) }
                    else { walk.errors.append(IngestError(path: path, reason: outlookAdvice)) }
                } else if let export = walk.exportFormat(path, named: true) {
                    walk.add(InputFile(path: path, kind: .helpdesk, format: export), id: id)
                } else {
                    walk.add(InputFile(path: path, kind: sniff(path) == .mbox ? .mbox : .message), id: id)
                }
            }
        }
        return (walk.files, walk.skipped, walk.errors)
    }

    /// A real file or folder, whatever the links that lead to it.
    struct FileID: Hashable { var device: UInt64; var inode: UInt64 }

    /// What a path turned out to be.
    enum Found {
        case missing
        /// Not read, and why; `isError` when it is a failure rather than a deliberate skip.
        case unusable(String, isError: Bool)
        case folder(FileID)
        case file(FileID)
    }

    /// The state of one discovery: what was found, and what was visited (so links cannot loop).
    struct Walk {
        var files: [InputFile] = [], skipped: [SkippedInput] = [], errors: [IngestError] = []
        /// Real files and folders read so far, with the path they were first read by.
        var visited: [FileID: String] = [:]
        /// The folders being walked, outermost first: a link to one of them is a loop.
        var ancestors: [FileID] = []
        var format: InputFormat = .auto
        var csv = CSVColumns()
        /// Whether `msgconvert` is installed, so Outlook files are read (as the MIME it makes of them).
        var canConvertOutlook = OutlookMessage.converter() != nil

        /// The helpdesk that exported a file, when it is read as an export: a forced format takes
        /// a file named on the command line and a folder's export-looking files (.json, .jsonl,
        /// .ndjson, .csv); otherwise the content must be recognised.
        func exportFormat(_ path: String, named: Bool) -> HelpdeskFormat? {
            let exportLike = ["json", "jsonl", "ndjson", "csv"].contains((path as NSString).pathExtension.lowercased())
            switch format {
            case .mail: return nil
            case .auto: return exportLike || (named && sniff(path) == nil) ? HelpdeskReader.detect(path: path, csv: csv) : nil
            default: return named || exportLike ? format.helpdesk : nil
            }
        }

        func look(at bytes: [UInt8], shown: String) -> Found {
            var info = stat()
            let followed = SystemPath.withCString(bytes) { stat($0, &info) }
            if followed != 0 {
                let code = errno
                var link = stat()
                let isLink = SystemPath.withCString(bytes) { lstat($0, &link) } == 0 && link.st_mode & S_IFMT == S_IFLNK
                switch code {
                case ELOOP: return .unusable("symbolic link loop: the links lead back to each other", isError: false)
                case ENOENT where isLink: return .unusable("broken symbolic link: its target does not exist", isError: false)
                case ENOENT, ENOTDIR: return .missing
                default: return .unusable("cannot read: \(String(cString: strerror(code)))", isError: true)
                }
            }
            let id = FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            switch info.st_mode & S_IFMT {
            case S_IFDIR: return .folder(id)
            case S_IFREG: return .file(id)
            default: return .unusable("not a regular file: \(SystemPath.kind(mode: info.st_mode))", isError: false)
            }
        }

        /// Takes a file to read, unless its real file was read already.
        mutating func add(_ file: InputFile, id: FileID) {
            if let first = visited[id] {
                skipped.append(SkippedInput(path: file.path, reason: "same file as \(first), read once"))
                return
            }
            visited[id] = file.path
            files.append(file)
        }

        mutating func folder(_ dir: [UInt8], shown: String, id: FileID, inMaildir: Bool) {
            if let first = visited[id] {
                let reason = ancestors.contains(id) ? "symbolic link loop: leads back to \(first)" : "same folder as \(first), read once"
                skipped.append(SkippedInput(path: shown, reason: reason))
                return
            }
            visited[id] = shown
            guard let entries = Self.list(dir) else {
                errors.append(IngestError(path: shown, reason: "cannot list directory"))
                return
            }
            ancestors.append(id)
            defer { ancestors.removeLast() }
            let names = Set(entries.map(\.shown))
            let isMaildir = names.contains("cur") || names.contains("new")
            for entry in entries {
                let name = entry.shown
                let bytes = dir + [UInt8(ascii: "/")] + entry.bytes
                let path = (shown as NSString).appendingPathComponent(name)
                SystemPath.remember(path, bytes: bytes)
                let found = look(at: bytes, shown: path)
                if case .folder(let child) = found {
                    if isMaildir && name == "tmp" { continue }  // messages still being delivered
                    folder(bytes, shown: path, id: child, inMaildir: isMaildir && (name == "cur" || name == "new"))
                    continue
                }
                guard case .file(let child) = found else {
                    if case .unusable(let why, let isError) = found {
                        if isError { errors.append(IngestError(path: path, reason: why)) }
                        else { skipped.append(SkippedInput(path: path, reason: why)) }
                    }
                    continue
                }
                if name.hasPrefix(".") {
                    skipped.append(SkippedInput(path: path, reason: "hidden file"))
                    continue
                }
                if inMaildir {
                    add(InputFile(path: path, kind: .message), id: child)
                    continue
                }
                let ext = (name as NSString).pathExtension.lowercased()
                switch ext {
                case "eml":
                    add(InputFile(path: path, kind: .message), id: child)  // bad content becomes an error record
                case "msg":
                    if canConvertOutlook { add(InputFile(path: path, kind: .message), id: child) }
                    else { skipped.append(SkippedInput(path: path, reason: outlookAdvice)) }
                case "mbox", "mbx":
                    add(InputFile(path: path, kind: .mbox), id: child)
                default:
                    if let export = exportFormat(path, named: false) {
                        add(InputFile(path: path, kind: .helpdesk, format: export), id: child)
                    } else if nonMailExtensions.contains(ext) {
                        skipped.append(SkippedInput(path: path, reason: "not a mail file (.\(ext))"))
                    } else if isOutlookFile(path) {
                        if canConvertOutlook { add(InputFile(path: path, kind: .message), id: child) }
                        else { skipped.append(SkippedInput(path: path, reason: outlookAdvice)) }
                    } else if let kind = sniff(path) {
                        add(InputFile(path: path, kind: kind), id: child)
                    } else {
                        skipped.append(SkippedInput(path: path, reason: "not a mail file (no mail headers)"))
                    }
                }
            }
        }

        /// A folder's entries by their real bytes (Foundation leaves out names that are not UTF-8),
        /// each with a shown name unique in the folder, sorted by that name.
        static func list(_ dir: [UInt8]) -> [(bytes: [UInt8], shown: String)]? {
            guard let handle = SystemPath.withCString(dir, { opendir($0) }) else { return nil }
            defer { closedir(handle) }
            var raw: [[UInt8]] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
                raw.append(name)
            }
            var used = Set<String>()
            var result: [(bytes: [UInt8], shown: String)] = []
            // Valid names first, so a lossily decoded name never takes the place of a real one.
            let isValid = { (name: [UInt8]) in Array(SystemPath.display(name).utf8) == name }
            for name in raw.filter(isValid) + raw.filter({ !isValid($0) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                var shown = SystemPath.display(name)
                if used.contains(shown) {
                    // Two names that differ only in their invalid bytes: show those bytes as hex.
                    let base = name.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
                    shown = base
                    var k = 2
                    while used.contains(shown) { shown = "\(base) (\(k))"; k += 1 }
                }
                used.insert(shown)
                result.append((name, shown))
            }
            return result.sorted { $0.shown < $1.shown }
        }
    }

    /// Why an Outlook message cannot be read without msgconvert, and what to do instead.
    public static let outlookAdvice = OutlookMessage.notInstalled

    /// The start of an OLE compound file, the container of Outlook `.msg` files.
    static let oleMagic = OutlookMessage.magic

    /// A `.msg` file, or any file in Outlook's container format.
    static func isOutlookFile(_ path: String) -> Bool {
        if (path as NSString).pathExtension.lowercased() == "msg" { return true }
        return SystemPath.prefix(path, count: oleMagic.count)?.elementsEqual(oleMagic) ?? false
    }

    /// Why `bytes` (read from `path`, nil for standard input) cannot be taken as one reply, as
    /// `lint` takes it; nil when they can. `check` reads the same inputs but reports them per file.
    public static func refusalAsOneReply(_ bytes: [UInt8], path: String?) -> String? {
        let ext = path.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
        // An Outlook file is one message, read through msgconvert when it is installed.
        if ext == "msg" || bytes.starts(with: oleMagic) {
            if OutlookMessage.converter() == nil { return outlookAdvice }
            if bytes.starts(with: oleMagic) { return nil }
        }
        if ext == "mbox" || ext == "mbx" || looksLikeMbox(bytes) {
            return "an mbox file holds many messages; lint checks one reply (use `replyqa check` for an mbox file)"
        }
        if bytes.prefix(8192).contains(0) { return "binary data, not an email or text (NUL bytes)" }
        if let export = HelpdeskReader.detect(head: Array(bytes.prefix(65536)), csv: CSVColumns()) {
            return "a \(export) export holds many replies; lint checks one reply (use `replyqa check` for an export)"
        }
        return nil
    }

    /// An mbox "From " separator line followed by a header field. A plain-text draft may well
    /// start with "From what I can see", so the first line alone does not decide.
    static func looksLikeMbox(_ bytes: [UInt8]) -> Bool {
        let lines = String(decoding: bytes.prefix(4096), as: UTF8.self)
            .split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0].hasPrefix("From ") else { return false }
        // "From sender Mon Nov 16 12:00:00 2026": the separator carries the date of delivery.
        return lines[0].range(of: #"^From \S+\s+[A-Z][a-z]{2},? +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d{2}"#,
                              options: .regularExpression) != nil
            && lines[1].range(of: #"^[!-9;-~]+:"#, options: .regularExpression) != nil
    }

    /// Looks at the first line: an mbox "From " line, or a header field.
    static func sniff(_ path: String) -> InputFile.Kind? {
        guard let head = SystemPath.prefix(path, count: 1024) else { return nil }
        let firstLine = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
        if firstLine.hasPrefix("From ") { return .mbox }
        if firstLine.range(of: #"^[A-Za-z][A-Za-z0-9-]*:"#, options: .regularExpression) != nil { return .message }
        return nil
    }
}
