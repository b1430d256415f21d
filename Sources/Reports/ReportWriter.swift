import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailIngest

/// Why a report could not be written.
public struct ReportError: Error, CustomStringConvertible {
    public var description: String
}

/// Writes the report directory: every file goes to a temporary directory beside the target, which
/// then takes the target's place in one step, so an interrupted run leaves the previous report whole.
public enum ReportWriter {
    /// The files of a report, by path relative to the report directory, each made when it is written.
    public static func outputs(_ model: ReportModel) -> [OutputFile] {
        let pages = HTMLPages(m: model)
        var files: [OutputFile] = [
            OutputFile(path: "index.html") { pages.index() },
            OutputFile(path: "report.json") { sink in
                try ReportDocument.write(model, to: sink)
                try sink.append("\n")
            },
            OutputFile(path: "replies.csv") { sink in try CSVTables.replies(model) { try sink.append($0) } },
            OutputFile(path: "agents.csv") { CSVTables.agents(model) },
        ]
        for a in model.aggregate.agents {
            files.append(OutputFile(path: "agents/\(a.slug).html") { sink in try pages.agentPage(a) { try sink.append($0) } })
            files.append(OutputFile(path: "summaries/\(a.slug).html") { pages.summaryPage(a) })
        }
        for c in model.aggregate.channels {
            files.append(OutputFile(path: "channels/\(c.slug).html") { sink in try pages.channelPage(c) { try sink.append($0) } })
        }
        if let calibration = model.calibration { files.append(OutputFile(path: "calibration.html") { pages.calibrationPage(calibration) }) }
        return files
    }

    /// The files of a report made in memory, by path relative to the report directory.
    public static func files(_ model: ReportModel) throws -> [(String, Data)] {
        try outputs(model).map { ($0.path, try $0.data()) }
    }

    /// Writes the report to `directory`, replacing an earlier ReplyQA report there (never another folder).
    @discardableResult
    public static func write(_ model: ReportModel, to directory: String) throws -> [String] {
        try write(outputs(model), to: directory, marker: ("report.json", "\"replyqa.report/"))
    }

    /// Writes files already made; see `write(_:to:marker:beforeSwap:)`.
    @discardableResult
    public static func write(_ files: [(String, Data)], to directory: String, marker: (file: String, text: String),
                             beforeSwap: () throws -> Void = {}) throws -> [String] {
        try write(files.map { OutputFile(path: $0.0, data: $0.1) }, to: directory, marker: marker, beforeSwap: beforeSwap)
    }

    /// Writes `files` into `directory` atomically, with a manifest of them (`.replyqa-manifest`).
    /// An existing folder is replaced only when it is empty or holds exactly the files its manifest
    /// lists, unchanged, among them `marker.file` containing `marker.text` (an earlier output of the
    /// same kind). A symbolic link at `directory` is written through, to its target.
    @discardableResult
    public static func write(_ files: [OutputFile], to directory: String, marker: (file: String, text: String),
                             beforeSwap: () throws -> Void = {}) throws -> [String] {
        let target = try resolveLinks(directory)
        try checkReplaceable(target, marker: marker)
        if isMountPoint(target) {
            try writeInPlace(files, into: target, beforeSwap: beforeSwap)
        } else {
            do { try writeBeside(files, target: target, beforeSwap: beforeSwap) }
            catch is SwapBlocked {
                // The folder cannot be renamed (a bind mount, say): swap its contents instead.
                try writeInPlace(files, into: target, beforeSwap: {})
            }
        }
        return files.map(\.path)
    }

    /// The folder a path names, following symbolic links at the path itself (not only its parents).
    static func resolveLinks(_ directory: String) throws -> URL {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<40 {
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else { return url }
            url = URL(fileURLWithPath: destination, relativeTo: url.deletingLastPathComponent()).absoluteURL.standardizedFileURL
        }
        throw ReportError(description: "cannot write the report to \(directory): too many levels of symbolic links")
    }

    /// A mount point cannot be renamed, and a folder beside it is on another device.
    static func isMountPoint(_ target: URL) -> Bool {
        var mine = stat(), parent = stat()
        guard stat(target.path, &mine) == 0, stat(target.deletingLastPathComponent().path, &parent) == 0 else { return false }
        return mine.st_dev != parent.st_dev || mine.st_ino == parent.st_ino
    }

    /// The rename that puts the new folder in place was refused because of where the folder is.
    struct SwapBlocked: Error {}

    /// Writes a temporary folder beside the target and swaps it in.
    static func writeBeside(_ files: [OutputFile], target: URL, beforeSwap: () throws -> Void) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) }
        catch { throw ReportError(description: "cannot create \(parent.path): \(error.localizedDescription)") }
        // Leftovers of a run that was killed while writing.
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? []
        where name.hasPrefix(".\(target.lastPathComponent).tmp-") || name.hasPrefix(".\(target.lastPathComponent).old-") {
            try? fm.removeItem(at: parent.appendingPathComponent(name))
        }
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        do {
            try writeFiles(files, into: temp)
            try beforeSwap()
            try swap(temp, into: target)
        } catch {
            try? fm.removeItem(at: temp)
            if error is ReportError || error is SwapBlocked { throw error }
            throw ReportError(description: "cannot write the report to \(target.path): \(error.localizedDescription)")
        }
    }

    /// Writes each file in turn, then the manifest of what was written.
    static func writeFiles(_ files: [OutputFile], into folder: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var entries: [Manifest.Entry] = []
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let sink = try OutputSink(url: url)
            try file.produce(sink)
            let done = try sink.finish()
            entries.append(Manifest.Entry(path: file.path, size: done.size, sha256: done.sha256))
        }
        try Manifest(entries: entries).encoded().write(to: folder.appendingPathComponent(Manifest.fileName))
    }

    /// Prefix of the temporary folder an in-place write keeps inside the target.
    static let inPlacePrefix = ".replyqa-tmp-"

    /// Replaces the target's contents from inside it, for a target that cannot itself be renamed:
    /// the new files are written to a temporary folder in the target (so on its device), then each
    /// top-level file or folder is renamed over the old one, which is atomic per entry, and the
    /// manifest goes last. Until then the temporary folder's manifest vouches for what was moved,
    /// so an interrupted run leaves a folder the next run may still replace.
    static func writeInPlace(_ files: [OutputFile], into target: URL, beforeSwap: () throws -> Void) throws {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: target.path)) ?? [] where name.hasPrefix(inPlacePrefix) {
            try? fm.removeItem(at: target.appendingPathComponent(name))
        }
        let temp = target.appendingPathComponent("\(inPlacePrefix)\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(at: temp) }
        do {
            try writeFiles(files, into: temp)
            try beforeSwap()
            let old = Manifest.read(in: target)
            let top = Set(files.map { String($0.path.split(separator: "/").first ?? "") })
            for name in top.sorted() where name != Manifest.fileName {
                try moveIn(temp.appendingPathComponent(name), to: target.appendingPathComponent(name), trash: temp)
            }
            for name in Set((old?.files ?? []).map { String($0.path.split(separator: "/").first ?? "") }) where !top.contains(name) {
                try? fm.removeItem(at: target.appendingPathComponent(name))
            }
            try rename(temp.appendingPathComponent(Manifest.fileName), target.appendingPathComponent(Manifest.fileName))
        } catch let error as ReportError {
            throw error
        } catch is SwapBlocked {
            throw ReportError(description: "cannot write the report to \(target.path): the system refused to move files inside it")
        } catch {
            throw ReportError(description: "cannot write the report to \(target.path): \(error.localizedDescription)")
        }
    }

    /// Renames `source` over `destination`; an old folder there is first swapped into `trash`.
    static func moveIn(_ source: URL, to destination: URL, trash: URL) throws {
        var info = stat()
        guard lstat(destination.path, &info) == 0 else { return try rename(source, destination) }
        if info.st_mode & S_IFMT == S_IFDIR {
            if exchange(source.path, destination.path) == 0 { return }
            try rename(destination, trash.appendingPathComponent(".old-\(destination.lastPathComponent)"))
        }
        try rename(source, destination)
    }

    /// rename(2), with the system's reason when it fails; a refusal because of where the folder is
    /// (a mount point, another file system) is `SwapBlocked`.
    static func rename(_ from: URL, _ to: URL) throws {
        let code = systemRename(from.path, to.path)
        guard code != 0 else { return }
        if code == EBUSY || code == EXDEV { throw SwapBlocked() }
        throw ReportError(description: "cannot move \(from.lastPathComponent) to \(to.path): \(String(cString: strerror(code)))")
    }

    /// Only an empty folder, or one holding exactly the unchanged files of an earlier output per
    /// its manifest, may be replaced.
    static func checkReplaceable(_ target: URL, marker: (file: String, text: String)) throws {
        var info = stat()
        guard lstat(target.path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw ReportError(description: "\(target.path) exists and is not a folder") }
        // An in-place write that was interrupted leaves its temporary folder, whose manifest vouches
        // for the files it had already moved.
        let top = entries(of: target) ?? []
        let leftovers = top.filter { $0.name.hasPrefix(inPlacePrefix) }.map { target.appendingPathComponent($0.name) }
        let contents = listing(target).filter { !$0.path.hasPrefix(inPlacePrefix) && $0.path != Manifest.fileName }
        if contents.isEmpty && !top.contains(where: { $0.name == Manifest.fileName }) { return }
        let notOurs = ReportError(description: "\(target.path) exists and was not written by ReplyQA; choose another --out folder")
        guard let manifest = Manifest.read(in: target),
              manifest.files.contains(where: { $0.path == marker.file }),
              let data = FileManager.default.contents(atPath: target.appendingPathComponent(marker.file).path),
              data.range(of: Data(marker.text.utf8)) != nil else { throw notOurs }
        var known: [String: [Manifest.Entry]] = [:]
        for entry in manifest.files + leftovers.compactMap(Manifest.read).flatMap(\.files) { known[entry.path, default: []].append(entry) }
        var foreign: [String] = []
        for item in contents {
            switch item.kind {
            case S_IFDIR:
                if !known.keys.contains(where: { $0.hasPrefix(item.path + "/") }) { foreign.append(item.path + "/") }
            case S_IFREG:
                guard let candidates = known[item.path], let bytes =
                    FileManager.default.contents(atPath: target.appendingPathComponent(item.path).path),
                      candidates.contains(where: { $0.size == bytes.count && $0.sha256 == SHA256.hex(bytes) }) else {
                    foreign.append(item.path); continue
                }
            default:
                foreign.append(item.path)
            }
        }
        guard foreign.isEmpty else {
            let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
            throw ReportError(description: "\(target.path) holds files ReplyQA did not write, or changed them since (\(shown)); "
                + "move them elsewhere or choose another --out folder")
        }
    }

    /// A folder's entries by name (with their real bytes: a name that is not UTF-8 is never ours)
    /// and file type, symbolic links not followed.
    static func entries(of folder: URL) -> [(name: String, valid: Bool, kind: mode_t)]? {
        let bytes = Array(folder.path.utf8)
        guard let handle = SystemPath.withCString(bytes, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var result: [(name: String, valid: Bool, kind: mode_t)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == Array(".".utf8) || name == Array("..".utf8) { continue }
            var info = stat()
            let kind: mode_t = SystemPath.withCString(bytes + [UInt8(ascii: "/")] + name) { lstat($0, &info) } == 0
                ? info.st_mode & S_IFMT : 0
            let shown = SystemPath.display(name)
            result.append((shown, Array(shown.utf8) == name, kind))
        }
        return result
    }

    /// Every entry under `folder`, by path relative to it; Finder's `.DS_Store` files are not content.
    static func listing(_ folder: URL, prefix: String = "") -> [(path: String, kind: mode_t)] {
        var result: [(path: String, kind: mode_t)] = []
        for e in (entries(of: folder) ?? []).sorted(by: { $0.name < $1.name }) where e.name != ".DS_Store" {
            let path = prefix + e.name
            // A name that is not UTF-8 shows with U+FFFD: never a name ReplyQA wrote.
            result.append((e.valid ? path : path + " (not UTF-8)", e.valid ? e.kind : 0))
            if e.valid && e.kind == S_IFDIR && !path.hasPrefix(inPlacePrefix) {
                result += listing(folder.appendingPathComponent(e.name), prefix: path + "/")
            }
        }
        return result
    }

    /// Puts `temp` in `target`'s place: an atomic exchange where the system has one (Linux
    /// renameat2), else two renames; the old report is removed afterwards.
    static func swap(_ temp: URL, into target: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else {
            try rename(temp, target)
            return
        }
        let code = exchange(temp.path, target.path)
        if code == 0 {
            try? fm.removeItem(at: temp)   // now holds the previous report
            return
        }
        if code == EBUSY || code == EXDEV { throw SwapBlocked() }
        let old = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        try rename(target, old)
        do { try rename(temp, target) }
        catch { try? rename(old, target); throw error }
        try? fm.removeItem(at: old)
    }

    /// renameat2(RENAME_EXCHANGE), looked up at run time: Swift does not import it from glibc.
    /// 0 when the two were exchanged, else the reason (`ENOSYS` where the system has no exchange).
    static func exchange(_ a: String, _ b: String) -> Int32 {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return ENOSYS }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 ? 0 : errno
        #else
        return ENOSYS
        #endif
    }
}

/// rename(2): 0, or the reason it failed. Outside `ReportWriter`, whose own `rename` hides it.
private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to) == 0 ? 0 : errno
}
