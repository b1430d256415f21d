import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a report could not be written.
public struct ReportError: Error, CustomStringConvertible {
    public var description: String
}

/// Writes the report directory: every file goes to a temporary directory beside the target, which
/// then takes the target's place in one step, so an interrupted run leaves the previous report whole.
public enum ReportWriter {
    /// The files of a report, by path relative to the report directory.
    public static func files(_ model: ReportModel) throws -> [(String, Data)] {
        let pages = HTMLPages(m: model)
        var files: [(String, Data)] = [
            ("index.html", Data(pages.index().utf8)),
            ("report.json", try ReportDocument(model).json() + Data("\n".utf8)),
            ("replies.csv", Data(CSVTables.replies(model).utf8)),
            ("agents.csv", Data(CSVTables.agents(model).utf8)),
        ]
        for a in model.aggregate.agents { files.append(("agents/\(a.slug).html", Data(pages.agentPage(a).utf8))) }
        for c in model.aggregate.channels { files.append(("channels/\(c.slug).html", Data(pages.channelPage(c).utf8))) }
        return files
    }

    /// Writes the report to `directory`, replacing an earlier ReplyQA report there (never another folder).
    @discardableResult
    public static func write(_ model: ReportModel, to directory: String) throws -> [String] {
        try write(files(model), to: directory, marker: ("report.json", "\"replyqa.report/"))
    }

    /// Writes `files` into `directory` atomically. An existing folder is replaced only when it is
    /// empty or holds `marker.file` containing `marker.text` (made by ReplyQA).
    public static func write(_ files: [(String, Data)], to directory: String, marker: (file: String, text: String),
                             beforeSwap: () throws -> Void = {}) throws -> [String] {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try checkReplaceable(target, marker: marker)
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) }
        catch { throw ReportError(description: "cannot create \(parent.path): \(error.localizedDescription)") }
        // Leftovers of a run that was killed while writing.
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? []
        where name.hasPrefix(".\(target.lastPathComponent).tmp-") || name.hasPrefix(".\(target.lastPathComponent).old-") {
            try? fm.removeItem(at: parent.appendingPathComponent(name))
        }
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        do {
            for (path, data) in files {
                let url = temp.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
            try beforeSwap()
            try swap(temp, into: target)
        } catch {
            try? fm.removeItem(at: temp)
            if let e = error as? ReportError { throw e }
            throw ReportError(description: "cannot write the report to \(target.path): \(error.localizedDescription)")
        }
        return files.map(\.0)
    }

    /// Only an empty folder or one that ReplyQA wrote may be replaced.
    static func checkReplaceable(_ target: URL, marker: (file: String, text: String)) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ReportError(description: "\(target.path) exists and is not a folder") }
        let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
        if contents.isEmpty { return }
        let file = target.appendingPathComponent(marker.file)
        if let data = fm.contents(atPath: file.path), data.range(of: Data(marker.text.utf8)) != nil { return }
        throw ReportError(description: "\(target.path) exists and was not written by ReplyQA; choose another --out folder")
    }

    /// Puts `temp` in `target`'s place: an atomic exchange where the system has one (Linux
    /// renameat2), else two renames; the old report is removed afterwards.
    static func swap(_ temp: URL, into target: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else {
            try fm.moveItem(at: temp, to: target)
            return
        }
        if exchange(temp.path, target.path) {
            try? fm.removeItem(at: temp)   // now holds the previous report
            return
        }
        let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        try fm.moveItem(at: target, to: old)
        do { try fm.moveItem(at: temp, to: target) }
        catch { try? fm.moveItem(at: old, to: target); throw error }
        try? fm.removeItem(at: old)
    }

    /// renameat2(RENAME_EXCHANGE), looked up at run time: Swift does not import it from glibc.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }
}
