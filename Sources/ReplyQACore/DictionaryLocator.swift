import Foundation

/// Finds the user-editable `Dictionaries/` folder and Hunspell dictionaries.
public struct DictionaryLocator: Sendable {
    /// The `Dictionaries/` folder in use, if one was found.
    public var root: URL?
    /// Folders searched for `LANG.aff` / `LANG.dic`, in order.
    public var hunspellFolders: [URL]

    /// Search order: the configuration's `dictionaries`, `$REPLYQA_DICTIONARIES`, `./Dictionaries`,
    /// then the `Dictionaries` folder of the source tree ReplyQA was built from.
    public init(config: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let c = config.dictionaries { candidates.append(URL(fileURLWithPath: c)) }
        if let e = environment["REPLYQA_DICTIONARIES"], !e.isEmpty { candidates.append(URL(fileURLWithPath: e)) }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Dictionaries"))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Dictionaries"))
        root = candidates.first { var d: ObjCBool = false; return fm.fileExists(atPath: $0.path, isDirectory: &d) && d.boolValue }
        hunspellFolders = (root.map { [$0.appendingPathComponent("hunspell")] } ?? [])
            + ["/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell"].map { URL(fileURLWithPath: $0) }
    }

    /// The `.aff` and `.dic` paths of a Hunspell dictionary such as `en_US`, if installed.
    public func hunspell(_ language: String) -> (aff: String, dic: String)? {
        for folder in hunspellFolders {
            let aff = folder.appendingPathComponent("\(language).aff").path
            let dic = folder.appendingPathComponent("\(language).dic").path
            if FileManager.default.fileExists(atPath: aff), FileManager.default.fileExists(atPath: dic) { return (aff, dic) }
        }
        return nil
    }

    /// Installed Hunspell languages among `candidates`.
    public func installed(_ candidates: [String]) -> [String] { candidates.filter { hunspell($0) != nil } }

    /// A file inside `Dictionaries/`, if it exists.
    public func file(_ relative: String) -> URL? {
        guard let url = root?.appendingPathComponent(relative), FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// Every file with `ext` in a folder of `Dictionaries/`, sorted.
    public func files(in folder: String, ext: String) -> [URL] {
        guard let dir = root?.appendingPathComponent(folder),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Reads a word list: one entry per line, `#` starts a comment.
    public static func wordList(_ url: URL) -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let word = content.trimmingCharacters(in: .whitespaces)
            return word.isEmpty ? nil : word
        }
    }
}
