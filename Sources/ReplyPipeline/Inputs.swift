import Foundation
import MailIngest

/// One file to read, and how.
public struct InputFile: Sendable, Equatable {
    public enum Kind: String, Sendable { case message, mbox }
    public var path: String
    public var kind: Kind
}

/// An input that was deliberately not read, with the reason (it is reported, never dropped).
public struct SkippedInput: Codable, Sendable, Equatable {
    public var path: String
    public var reason: String
}

/// Expands command-line paths into mail files: `.eml` files, mbox files, Maildir folders and
/// directories searched recursively, in a deterministic (sorted) order.
public enum InputDiscovery {
    /// Extensions that are never mail, so a folder of samples can hold docs and config.
    static let nonMailExtensions: Set<String> = ["md", "yml", "yaml", "json", "csv", "html", "htm", "txt", "pdf",
                                                 "png", "jpg", "jpeg", "gif", "zip", "gz", "swift", "sh", "db", "sqlite"]

    public static func discover(_ paths: [String]) -> (files: [InputFile], skipped: [SkippedInput], errors: [IngestError]) {
        var files: [InputFile] = [], skipped: [SkippedInput] = [], errors: [IngestError] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                errors.append(IngestError(path: path, reason: "no such file or directory"))
                continue
            }
            if isDir.boolValue {
                walk(path, inMaildir: false, files: &files, skipped: &skipped, errors: &errors)
            } else {
                // A file named on the command line is always tried, whatever its extension; an
                // Outlook file is the one kind that is known not to be readable, so it gets the advice.
                if isOutlookFile(path) {
                    errors.append(IngestError(path: path, reason: outlookAdvice))
                } else {
                    files.append(InputFile(path: path, kind: sniff(path) == .mbox ? .mbox : .message))
                }
            }
        }
        return (files, skipped, errors)
    }

    static func walk(_ dir: String, inMaildir: Bool, files: inout [InputFile], skipped: inout [SkippedInput], errors: inout [IngestError]) {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: dir) else {
            errors.append(IngestError(path: dir, reason: "cannot list directory"))
            return
        }
        let names = Set(entries)
        let isMaildir = names.contains("cur") || names.contains("new")
        for name in entries.sorted() {
            let path = (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                if isMaildir && name == "tmp" { continue }  // messages still being delivered
                walk(path, inMaildir: isMaildir && (name == "cur" || name == "new"), files: &files, skipped: &skipped, errors: &errors)
                continue
            }
            if name.hasPrefix(".") {
                skipped.append(SkippedInput(path: path, reason: "hidden file"))
                continue
            }
            if inMaildir {
                files.append(InputFile(path: path, kind: .message))
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            switch ext {
            case "eml":
                files.append(InputFile(path: path, kind: .message))  // bad content becomes an error record
            case "msg":
                skipped.append(SkippedInput(path: path, reason: outlookAdvice))
            case "mbox", "mbx":
                files.append(InputFile(path: path, kind: .mbox))
            default:
                if nonMailExtensions.contains(ext) {
                    skipped.append(SkippedInput(path: path, reason: "not a mail file (.\(ext))"))
                } else if isOutlookFile(path) {
                    skipped.append(SkippedInput(path: path, reason: outlookAdvice))
                } else if let kind = sniff(path) {
                    files.append(InputFile(path: path, kind: kind))
                } else {
                    skipped.append(SkippedInput(path: path, reason: "not a mail file (no mail headers)"))
                }
            }
        }
    }

    /// Why an Outlook message cannot be read, and what to do instead.
    public static let outlookAdvice = "Outlook .msg files are not supported; save the message as .eml"

    /// The start of an OLE compound file, the container of Outlook `.msg` files.
    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// A `.msg` file, or any file in Outlook's container format.
    static func isOutlookFile(_ path: String) -> Bool {
        if (path as NSString).pathExtension.lowercased() == "msg" { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return ((try? handle.read(upToCount: oleMagic.count)) ?? Data()).elementsEqual(oleMagic)
    }

    /// Why `bytes` (read from `path`, nil for standard input) cannot be taken as one reply, as
    /// `lint` takes it; nil when they can. `check` reads the same inputs but reports them per file.
    public static func refusalAsOneReply(_ bytes: [UInt8], path: String?) -> String? {
        let ext = path.map { ($0 as NSString).pathExtension.lowercased() } ?? ""
        if ext == "msg" || bytes.starts(with: oleMagic) { return outlookAdvice }
        if ext == "mbox" || ext == "mbx" || looksLikeMbox(bytes) {
            return "an mbox file holds many messages; lint checks one reply (use `replyqa check` for an mbox file)"
        }
        if bytes.prefix(8192).contains(0) { return "binary data, not an email or text (NUL bytes)" }
        return nil
    }

    /// An mbox "From " separator line followed by a header field. A plain-text draft may well
    /// start with "From what I can see", so the first line alone does not decide.
    static func looksLikeMbox(_ bytes: [UInt8]) -> Bool {
        let lines = String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0].hasPrefix("From ") else { return false }
        // "From sender Mon Nov 16 12:00:00 2026": the separator carries the date of delivery.
        return lines[0].range(of: #"^From \S+\s+[A-Z][a-z]{2},? +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d{2}"#, options: .regularExpression) != nil
            && lines[1].range(of: #"^[!-9;-~]+:"#, options: .regularExpression) != nil
    }

    /// Looks at the first line: an mbox "From " line, or a header field.
    static func sniff(_ path: String) -> InputFile.Kind? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1024)) ?? Data()
        let firstLine = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
        if firstLine.hasPrefix("From ") { return .mbox }
        if firstLine.range(of: #"^[A-Za-z][A-Za-z0-9-]*:"#, options: .regularExpression) != nil { return .message }
        return nil
    }
}
