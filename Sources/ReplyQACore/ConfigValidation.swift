import Foundation
import Yams

/// The shape a setting of `replyqa.yml` must have (see `Configuration.schema`).
public indirect enum ConfigShape: Sendable {
    /// A group of settings with exactly these keys.
    case section([String: ConfigShape])
    /// Free keys (addresses, rule ids, channels) with values of one shape; `example` shows one pair.
    case table(key: ConfigScalar, value: ConfigShape, example: String)
    /// A list; `noun` names its items in messages ("rule ids"), `example` shows one.
    case list(ConfigShape, noun: String, example: String)
    case scalar(ConfigScalar)

    static let text = ConfigShape.scalar(.text)
    static let boolean = ConfigShape.scalar(.boolean)
    static func number(in range: ClosedRange<Double>) -> ConfigShape { .scalar(.number(range)) }
    static func wholeNumber(atLeast n: Int) -> ConfigShape { .scalar(.wholeNumber(atLeast: n)) }
    static func choice(_ values: [String]) -> ConfigShape { .scalar(.choice(values)) }
}

/// A single value a setting takes, or what a free key must be.
public enum ConfigScalar: Sendable, Equatable {
    case text
    /// A rule id; checked against the rules of the run (`ConfigurationFile.ruleProblems`).
    case ruleID
    /// A channel name; compared with the channels the channel rules can assign.
    case channel
    /// A rubric category (`Category`).
    case category
    case boolean
    /// A finite number within the range (`.nan` and `.inf` never are).
    case number(ClosedRange<Double>)
    case wholeNumber(atLeast: Int)
    case choice([String])

    /// What is allowed, in plain words.
    var expected: String {
        switch self {
        case .text: return "text"
        case .ruleID: return "a rule id"
        case .channel: return "a channel name"
        case .category: return "one of: " + Category.allCases.map(\.rawValue).joined(separator: ", ")
        case .boolean: return "true or false"
        case .number: return "a number"
        case .wholeNumber(let n): return n > 0 ? "a whole number of at least \(n)" : "a whole number"
        case .choice(let values): return "one of: " + values.joined(separator: ", ")
        }
    }
}

/// One problem found in a configuration file, with where it is.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// An error stops the command; a warning is printed and the run goes on.
    public enum Level: String, Sendable { case error, warning }
    public var file: String
    /// 1-based line and column (Unicode scalars); 0 when the problem has no single place.
    public var line: Int
    public var column: Int
    public var level: Level
    public var message: String

    public init(file: String, line: Int, column: Int, level: Level, message: String) {
        self.file = file; self.line = line; self.column = column; self.level = level; self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(level.rawValue): \(message)" : "\(file): \(level.rawValue): \(message)"
    }
}

/// A name the file refers to (a rule id, a channel, a folder) and where it is written.
struct ConfigReference: Sendable {
    var name: String
    var line: Int
    var column: Int
    var style: Style
    enum Style: Sendable { case plain, singleQuoted, doubleQuoted, other }

    init(_ s: Node.Scalar) {
        name = s.string; line = s.mark?.line ?? 0; column = s.mark?.column ?? 0
        switch s.style {
        case .plain: style = .plain
        case .singleQuoted: style = .singleQuoted
        case .doubleQuoted: style = .doubleQuoted
        default: style = .other
        }
    }
}

/// Walks a YAML node tree against a `ConfigShape`, collecting problems and the names it refers to.
struct ConfigValidator {
    let file: String
    var issues: [ConfigIssue] = []
    var rules: [ConfigReference] = []
    var channels: [ConfigReference] = []

    init(file: String) { self.file = file }

    mutating func problem(_ message: String, at mark: Mark?, _ level: ConfigIssue.Level = .error) {
        issues.append(ConfigIssue(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, level: level, message: message))
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node { return NSNull.construct(from: s) != nil }
        return false
    }

    /// How a value that has the wrong shape reads in a message.
    static func found(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if NSNull.construct(from: s) != nil { return "nothing" }
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
            return "“\(s.string)”" + (quoted ? " in quotes, which makes it text" : "")
        case .mapping: return "a group of “key: value” settings"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Checks `node` against `shape`; `path` names the setting in messages ("scorecard.min_sample").
    mutating func check(_ node: Node, _ shape: ConfigShape, path: String) {
        let at = path.isEmpty ? "" : "\(path): "
        switch shape {
        case .section(let keys):
            guard case .mapping(let mapping) = node else {
                let names = keys.keys.sorted().joined(separator: ", ")
                problem("\(at)expected a group of settings (\(names)); found \(Self.found(node))", at: node.mark)
                return
            }
            checkSection(mapping, keys, path: path)
        case .table(let keyKind, let value, let example):
            guard case .mapping(let mapping) = node else {
                problem("\(at)expected “key: value” pairs, e.g. {\(example)}; found \(Self.found(node))", at: node.mark)
                return
            }
            for (key, v) in mapping {
                guard case .scalar(let k) = key, NSNull.construct(from: k) == nil else {
                    problem("\(at)expected a name as the key; found \(Self.found(key))", at: key.mark)
                    continue
                }
                checkName(k, keyKind, path: path)
                let sub = path.isEmpty ? k.string : "\(path).\(k.string)"
                if Self.isNull(v) { problem("\(sub): expected \(Self.describe(value)); found nothing", at: v.mark ?? key.mark); continue }
                check(v, value, path: sub)
            }
        case .list(let item, let noun, let example):
            guard case .sequence(let sequence) = node else {
                var hint = ""
                if case .scalar(let s) = node { hint = " (write [\(s.string)] for a list of one)" }
                problem("\(at)expected a list of \(noun), e.g. \(example); found \(Self.found(node))\(hint)", at: node.mark)
                return
            }
            for element in sequence {
                if Self.isNull(element) { problem("\(at)expected \(Self.describe(item)) in the list; found an empty item",
                                                  at: element.mark); continue }
                check(element, item, path: path)
            }
        case .scalar(let kind):
            guard case .scalar(let s) = node else {
                problem("\(at)expected \(kind.expected); found \(Self.found(node))", at: node.mark)
                return
            }
            checkScalar(s, kind, path: path)
        }
    }

    /// A bound as people write it: 100, not 100.0.
    static func plain(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    static func describe(_ shape: ConfigShape) -> String {
        switch shape {
        case .section(let keys): return "a group of settings (\(keys.keys.sorted().joined(separator: ", ")))"
        case .table(_, _, let example): return "“key: value” pairs, e.g. {\(example)}"
        case .list(_, let noun, _): return "a list of \(noun)"
        case .scalar(let kind): return kind.expected
        }
    }

    mutating func checkSection(_ mapping: Node.Mapping, _ keys: [String: ConfigShape], path: String) {
        for (key, value) in mapping {
            // `<<: *anchor` merges another group of settings into this one, as the decoder does.
            if key.tag.description == Tag.Name.merge.rawValue {
                let merged: [Node]
                if case .sequence(let s) = value { merged = Array(s) } else { merged = [value] }
                for m in merged {
                    if case .mapping(let inner) = m { checkSection(inner, keys, path: path) }
                    else { problem(
                        "\(path.isEmpty ? "" : "\(path): ")“<<” expects a group of settings to merge; found \(Self.found(m))", at: m.mark) }
                }
                continue
            }
            guard case .scalar(let k) = key else {
                problem("expected a setting name; found \(Self.found(key))", at: key.mark)
                continue
            }
            let name = k.string
            let sub = path.isEmpty ? name : "\(path).\(name)"
            guard let shape = keys[name] else {
                let scope = path.isEmpty ? "" : " in “\(path)”"
                if let guess = Suggestion.closest(to: name, among: keys.keys) {
                    problem("unknown key “\(name)”\(scope); did you mean “\(guess)”?", at: key.mark)
                } else {
                    problem("unknown key “\(name)”\(scope); expected one of: \(keys.keys.sorted().joined(separator: ", "))", at: key.mark)
                }
                continue
            }
            // An empty setting (`templates:`) is the same as leaving it out.
            if Self.isNull(value) { continue }
            check(value, shape, path: sub)
        }
    }

    mutating func checkName(_ s: Node.Scalar, _ kind: ConfigScalar, path: String) {
        switch kind {
        case .ruleID: rules.append(ConfigReference(s))
        case .channel: channels.append(ConfigReference(s))
        default: checkScalar(s, kind, path: path)
        }
    }

    mutating func checkScalar(_ s: Node.Scalar, _ kind: ConfigScalar, path: String) {
        let at = path.isEmpty ? "" : "\(path): "
        func wrong() { problem("\(at)expected \(kind.expected); found \(Self.found(.scalar(s)))", at: s.mark) }
        switch kind {
        case .text: break
        case .ruleID, .channel: checkName(s, kind, path: path)
        case .boolean: if Bool.construct(from: s) == nil { wrong() }
        case .number(let range):
            guard let v = Double.construct(from: s) else { wrong(); return }
            if !v.isFinite || !range.contains(v) {
                problem("\(at)expected a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound)); found " +
                    "“\(s.string)”", at: s.mark)
            }
        case .wholeNumber(let n):
            if let v = Int.construct(from: s) { if v < n { wrong() } } else { wrong() }
        case .category, .choice:
            let allowed = kind == .category ? Category.allCases.map(
                \.rawValue) : { if case .choice(let v) = kind { return v }; return [] }()
            guard !allowed.contains(s.string) else { return }
            if let guess = Suggestion.closest(to: s.string, among: allowed) {
                let what = kind == .category ? "unknown category" : "unknown value"
                problem("\(at)\(what) “\(s.string)”; did you mean “\(guess)”?", at: s.mark)
            } else {
                wrong()
            }
        }
    }
}

/// "Did you mean ...?": the closest name by edit distance, when it is close enough to be a slip.
public enum Suggestion {
    public static func closest<S: Sequence>(to word: String, among candidates: S) -> String? where S.Element == String {
        let w = normalized(word)
        guard !w.isEmpty else { return nil }
        // About one slip per four letters: "chanels" → "channels", but not "uk-email" → "email".
        let limit = max(1, min(3, w.count / 4))
        var best: (Int, String)?
        for c in candidates {
            let d = normalized(c) == w ? 0 : distance(Array(w), Array(normalized(c)))
            if d <= limit, best.map({ (d, c) < $0 }) ?? true { best = (d, c) }
        }
        return best?.1
    }

    /// Case, `-` and `_` differences are not slips worth counting ("disabled-rules", "maxMimeDepth").
    static func normalized(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" && $0 != " " }.map(Character.init))
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

/// A configuration file read and checked against `Configuration.schema`: the configuration, the
/// warnings it deserves, and the names it refers to (checked later against the run's rules).
public struct ConfigurationFile: Sendable {
    /// The file as the user named it; nil when no file is in effect (the built-in defaults).
    public var path: String?
    /// The file's text as written.
    public var text: String
    /// The decoded settings; folders named in a loaded file are resolved against the file's folder.
    public var configuration: Configuration
    /// Problems that do not stop a run (a channel no rule assigns).
    public var warnings: [ConfigIssue]
    var ruleReferences: [ConfigReference] = []
    /// Where `templates:` and `dictionaries:` are written (by setting), to check them and relocate them in a copy.
    var folderValues: [String: ConfigReference] = [:]

    /// The file a command uses: `path`, else `replyqa.yml` in the current directory when present.
    public static func effectivePath(_ path: String?) -> String? {
        path ?? (FileManager.default.fileExists(atPath: "replyqa.yml") ? "replyqa.yml" : nil)
    }

    /// Reads and checks the configuration in effect; folders named in the file are relative to it.
    public static func load(path: String?) throws(ConfigurationError) -> ConfigurationFile {
        guard let file = effectivePath(path) else {
            return ConfigurationFile(path: nil, text: "", configuration: Configuration(), warnings: [])
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir) else { throw .unreadable(file, reason: "no such file") }
        if isDir.boolValue { throw .unreadable(file, reason: "it is a folder") }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw .unreadable(file, reason: access(file, R_OK) != 0 ? "permission denied" : "it cannot be opened")
        }
        defer { try? handle.close() }
        let data = handle.readDataToEndOfFile()
        var loaded = try parse(yaml: String(decoding: data, as: UTF8.self), name: file)
        loaded.path = file
        let base = (file as NSString).deletingLastPathComponent
        func resolve(_ p: String?) -> String? {
            guard let p, !p.hasPrefix("/"), !base.isEmpty else { return p }
            return (base as NSString).appendingPathComponent(p)
        }
        loaded.configuration.templates = resolve(loaded.configuration.templates)
        loaded.configuration.dictionaries = resolve(loaded.configuration.dictionaries)
        loaded.configuration.reviews = resolve(loaded.configuration.reviews)
        let missing = loaded.folderProblems()
        if !missing.isEmpty { throw .problems(missing) }
        return loaded
    }

    /// A folder the file names must be there: a mistyped path would otherwise run without the
    /// approved macros or with the built-in word lists, silently.
    func folderProblems() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (key, folder) in [("templates", configuration.templates), ("dictionaries", configuration.dictionaries)] {
            guard let folder else { continue }
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isDir)
            if exists && isDir.boolValue { continue }
            let ref = folderValues[key]
            let written = ref?.name ?? folder
            let looked = written == folder ? "" : " (looked for \(folder))"
            let message = exists ? "\(key): “\(written)” is a file, not a folder\(looked)" : "\(key): no folder “\(written)”\(looked)"
            issues.append(ConfigIssue(file: path ?? "replyqa.yml", line: ref?.line ?? 0, column: ref?.column ?? 0, level: .error,
                                      message: message))
        }
        // The reviews file is a file; a mistyped name would silently drop every dispute.
        if let reviews = configuration.reviews {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: reviews, isDirectory: &isDir) || isDir.boolValue {
                let ref = folderValues["reviews"]
                let written = ref?.name ?? reviews
                let looked = written == reviews ? "" : " (looked for \(reviews))"
                issues.append(ConfigIssue(file: path ?? "replyqa.yml", line: ref?.line ?? 0, column: ref?.column ?? 0, level: .error,
                                          message: "reviews: "
                                              + (isDir.boolValue ? "“\(written)” is a folder, not a reviews file" : "no file “\(written)”")
                                              + looked))
            }
        }
        return issues
    }

    /// Checks and decodes YAML text; `name` is what messages call the file. An empty document is the
    /// default configuration.
    public static func parse(yaml: String, name: String = "replyqa.yml") throws(ConfigurationError) -> ConfigurationFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw .problems([syntaxIssue(error, file: name, text: yaml)])
        } catch {
            throw .problems([ConfigIssue(file: name, line: 0, column: 0, level: .error, message: "\(error)")])
        }
        guard let root, !ConfigValidator.isNull(root) else {
            return ConfigurationFile(path: name, text: yaml, configuration: Configuration(), warnings: [])
        }
        var validator = ConfigValidator(file: name)
        validator.check(root, Configuration.schema, path: "")
        if case .mapping(let top) = root { validator.checkChannelRules(top) }
        if validator.issues.contains(where: { $0.level == .error }) { throw .problems(validator.issues) }
        var configuration: Configuration
        do {
            // Decoded from the tree already checked: parsing the text again would double the cost of a large file.
            configuration = try YAMLDecoder().decode(Configuration.self, from: root,
                                                     userInfo: [Configuration.addressesDecodedSeparately: true])
            configuration.agentAddresses = Configuration.agentAddresses(in: root)
        } catch {
            // The schema admits only what decodes; this names the setting if the two ever disagree.
            throw .problems([ConfigIssue(file: name, line: 0, column: 0, level: .error, message: Self.describe(error))])
        }
        var file = ConfigurationFile(path: name, text: yaml, configuration: configuration, warnings: validator.issues)
        file.ruleReferences = validator.rules
        file.warnings += file.channelWarnings(validator.channels)
        if case .mapping(let top) = root {
            for key in ["templates", "dictionaries", "reviews"] {
                if case .scalar(let s)? = top[key], NSNull.construct(from: s) == nil, s.mark != nil {
                    file.folderValues[key] = ConfigReference(s)
                }
            }
        }
        return file
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "the file could not be read as settings" }
        switch error {
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx), .dataCorrupted(let ctx):
            let path = ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the settings could not be read" : "\(path): this value is not allowed here"
        @unknown default:
            return "the settings could not be read"
        }
    }

    /// Broken YAML: the line and column where the parser gave up, and why, in its words.
    static func syntaxIssue(_ error: YamlError, file: String, text: String) -> ConfigIssue {
        var line = 0, column = 0, message = "not valid YAML"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            line = mark.line; column = mark.column
            message = "not valid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            let lines = text.components(separatedBy: "\n")
            if line >= 1, line <= lines.count, lines[line - 1].unicodeScalars.prefix(column).contains("\t") {
                message += "; YAML is indented with spaces, not tabs"
            }
        case .duplicatedKeysInMapping(let duplicates, let context):
            line = context.mark.line; column = context.mark.column
            message = "the key " + duplicates.sorted().map { "“\($0)”" }.joined(separator: ", ") + " is set twice in the same group"
        case .reader(let problem, _, _, _):
            message = "not valid text: \(problem)"
        default:
            message = "not valid YAML: \(error)"
        }
        return ConfigIssue(file: file, line: line, column: column, level: .error, message: message)
    }

    /// The channels the channel rules and `default_channel` can assign; nil when a header rule
    /// without `channel` makes any header value a channel.
    public var assignableChannels: Set<String>? {
        var names: Set<String> = [configuration.defaultChannel.lowercased()]
        names.formUnion(configuration.helpdesk.channels.values.map { $0.lowercased() })
        if configuration.helpdesk.sideConversations == .score { names.insert("side_conversation") }
        for rule in configuration.channels {
            if let c = rule.channel { names.insert(c.lowercased()); continue }
            if rule.header != nil { return nil }
            if let f = rule.folder { names.insert(f.lowercased()) }
            if let l = rule.label { names.insert(l.lowercased()) }
        }
        return names
    }

    /// A setting for a channel that nothing assigns applies only to `lint --channel`: likely a slip.
    func channelWarnings(_ references: [ConfigReference]) -> [ConfigIssue] {
        guard let known = assignableChannels else { return [] }
        return references.filter { !known.contains($0.name.lowercased()) }.map { r in
            var message =
                "no channel rule or default_channel assigns the channel “\(r.name)”, so this setting applies only to `lint --channel " +
                    "\(r.name)`"
            if let guess = Suggestion.closest(to: r.name, among: known) { message += "; did you mean “\(guess)”?" }
            return ConfigIssue(file: path ?? "replyqa.yml", line: r.line, column: r.column, level: .warning, message: message)
        }
    }

    /// Rule ids in `disabled_rules`, `severities` and `scorecard.auto_fail` that no checker reports.
    public func ruleProblems<S: Sequence>(knownRules: S) -> [ConfigIssue] where S.Element == String {
        let known = Set(knownRules)
        return ruleReferences.filter { !known.contains($0.name) }.map { r in
            let hint = Suggestion.closest(to: r.name, among: known).map { "did you mean “\($0)”?" } ?? "`replyqa rules` lists the rule ids"
            return ConfigIssue(file: path ?? "replyqa.yml", line: r.line, column: r.column, level: .error,
                               message: "unknown rule “\(r.name)”; \(hint)")
        }
    }

    /// The file's text for a copy kept elsewhere: relative `templates` and `dictionaries` folders
    /// are rewritten as absolute paths, so the copy finds what the original found.
    public func relocated() -> String {
        var lines = text.components(separatedBy: "\n")
        let base = ((path ?? "") as NSString).deletingLastPathComponent
        // From the last value to the first, so earlier marks stay valid on a shared line.
        for ref in folderValues.values.sorted(by: { ($0.line, $0.column) > ($1.line, $1.column) }) where !ref.name.hasPrefix("/") {
            guard ref.line >= 1, ref.line <= lines.count else { continue }
            let absolute = URL(fileURLWithPath: (base as NSString).appendingPathComponent(ref.name)).standardizedFileURL.path
            var scalars = Array(lines[ref.line - 1].unicodeScalars)
            let start = ref.column - 1
            guard start >= 0, start < scalars.count, let end = Self.scalarEnd(scalars, from: start, ref) else { continue }
            scalars.replaceSubrange(start..<end, with: Self.doubleQuoted(absolute).unicodeScalars)
            lines[ref.line - 1] = String(String.UnicodeScalarView(scalars))
        }
        return lines.joined(separator: "\n")
    }

    /// Where a one-line scalar written at `start` ends, or nil when it is not written there as expected.
    static func scalarEnd(_ s: [Unicode.Scalar], from start: Int, _ ref: ConfigReference) -> Int? {
        switch ref.style {
        case .plain:
            let value = Array(ref.name.unicodeScalars)
            guard start + value.count <= s.count, Array(s[start..<start + value.count]) == value else { return nil }
            return start + value.count
        case .singleQuoted, .doubleQuoted:
            let quote: Unicode.Scalar = ref.style == .singleQuoted ? "'" : "\""
            guard s[start] == quote else { return nil }
            var i = start + 1
            while i < s.count {
                if quote == "\"" && s[i] == "\\" { i += 2; continue }
                if s[i] == quote {
                    if quote == "'" && i + 1 < s.count && s[i + 1] == "'" { i += 2; continue }
                    return i + 1
                }
                i += 1
            }
            return nil
        default:
            return nil
        }
    }

    static func doubleQuoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension ConfigValidator {
    /// A channel rule matches on exactly one of header, address, folder or label; `equals` needs a header.
    mutating func checkChannelRules(_ top: Node.Mapping) {
        guard case .sequence(let rules)? = top["channels"] else { return }
        for rule in rules {
            guard case .mapping(let m) = rule else { continue }
            let keys = Set(m.compactMap { $0.key.string })
            let matchers = ["header", "address", "folder", "label"].filter { keys.contains($0) }
            if matchers.isEmpty {
                problem("channels: a channel rule needs one of header, address, folder or label to match on", at: rule.mark)
            } else if matchers.count > 1 {
                problem("channels: a channel rule matches on one of header, address, folder or label, not " +
                    "\(matchers.joined(separator: " and ")); write one rule for each", at: rule.mark)
            }
            if keys.contains("equals") && !keys.contains("header") {
                problem("channels: “equals” compares a header's value, so the rule needs a “header”",
                        at: m.keys.first { $0.string == "equals" }?.mark ?? rule.mark)
            }
        }
    }
}

/// Checks a regular expression from a user-editable rule file (grammar rules, tone cues, safety
/// phrase lists) before it is compiled. NSRegularExpression has no time limit on Linux, so a
/// pattern that can backtrack catastrophically would hang a run on one hostile email; the common
/// shape of such patterns, a repeated group whose body can be just one repeat (`(a+)+`,
/// `(\s*\w+)*`, `(?:x+|y)*`), is refused when the file is loaded. Overlapping alternatives under a
/// repeat (`(a|aa)+`) are not detected.
public enum PatternCheck {
    /// Why `pattern` can take exponential time, or nil when it has no nested repeat of that shape.
    public static func backtrackingRisk(_ pattern: String) -> String? {
        var parser = Parser(Array(pattern.unicodeScalars))
        let root = parser.alternatives(until: nil)
        return risk(in: root, source: Array(pattern.unicodeScalars))
    }

    /// One element of a pattern: an atom or a group, with how often it may repeat.
    struct Element {
        enum Kind { case atom, zeroWidth, group([[Element]]), atomic([[Element]]), lookaround([[Element]]) }
        var kind: Kind
        var min = 1
        /// nil: no upper bound.
        var max: Int? = 1
        var possessive = false
        /// Where the element starts and ends in the pattern (scalars), for messages.
        var start = 0
        var end = 0
    }

    /// A tolerant reader: anything it does not understand is read as an atom, since the compiler
    /// reports real syntax errors.
    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func alternatives(until close: Unicode.Scalar?) -> [[Element]] {
            var alts: [[Element]] = [[]]
            while i < s.count {
                let c = s[i]
                if c == ")" && close != nil { i += 1; return alts }
                if c == "|" { i += 1; alts.append([]); continue }
                var e = element()
                quantifier(&e)
                alts[alts.count - 1].append(e)
            }
            return alts
        }

        mutating func element() -> Element {
            let start = i
            let c = s[i]
            i += 1
            var e: Element
            switch c {
            case "\\":
                guard i < s.count else { return Element(kind: .atom, start: start, end: i) }
                let n = s[i]
                i += 1
                if "bBAzZG".unicodeScalars.contains(n) { e = Element(kind: .zeroWidth) }
                else if n == "Q" {
                    while i + 1 < s.count, !(s[i] == "\\" && s[i + 1] == "E") { i += 1 }
                    i = min(s.count, i + 2)
                    e = Element(kind: .atom)
                } else {
                    if "pPNx".unicodeScalars.contains(n), i < s.count, s[i] == "{" { while i < s.count, s[i] != "}" { i += 1 }; i += 1 }
                    e = Element(kind: .atom)
                }
            case "^", "$":
                e = Element(kind: .zeroWidth)
            case "[":
                skipClass()
                e = Element(kind: .atom)
            case "(":
                e = group()
            default:
                e = Element(kind: .atom)
            }
            e.start = start
            e.end = min(i, s.count)
            return e
        }

        /// Past the `]` that closes a class opened just before `i` (classes nest in ICU).
        mutating func skipClass() {
            var depth = 1
            if i < s.count, s[i] == "^" { i += 1 }
            if i < s.count, s[i] == "]" { i += 1 }
            while i < s.count, depth > 0 {
                if s[i] == "\\" { i += 2; continue }
                if s[i] == "[" { depth += 1 } else if s[i] == "]" { depth -= 1 }
                i += 1
            }
            i = min(i, s.count)
        }

        mutating func group() -> Element {
            guard i < s.count, s[i] == "?" else { return Element(kind: .group(alternatives(until: ")"))) }
            i += 1
            guard i < s.count else { return Element(kind: .atom) }
            switch s[i] {
            case ":": i += 1; return Element(kind: .group(alternatives(until: ")")))
            case ">": i += 1; return Element(kind: .atomic(alternatives(until: ")")))
            case "=", "!": i += 1; return Element(kind: .lookaround(alternatives(until: ")")))
            case "#":
                while i < s.count, s[i] != ")" { i += 1 }
                i = min(s.count, i + 1)
                return Element(kind: .zeroWidth)
            case "<":
                if i + 1 < s.count, s[i + 1] == "="
                    || s[i + 1] == "!" { i += 2; return Element(kind: .lookaround(alternatives(until: ")"))) }
                while i < s.count, s[i] != ">" { i += 1 }
                i = min(s.count, i + 1)
                return Element(kind: .group(alternatives(until: ")")))
            default:
                // Flags: `(?i)` sets them for the rest, `(?i:...)` is a group.
                while i < s.count, s[i] != ")" && s[i] != ":" { i += 1 }
                guard i < s.count else { return Element(kind: .zeroWidth) }
                if s[i] == ")" { i += 1; return Element(kind: .zeroWidth) }
                i += 1
                return Element(kind: .group(alternatives(until: ")")))
            }
        }

        mutating func quantifier(_ e: inout Element) {
            guard i < s.count else { return }
            switch s[i] {
            case "*": e.min = 0; e.max = nil; i += 1
            case "+": e.min = 1; e.max = nil; i += 1
            case "?": e.min = 0; e.max = 1; i += 1
            case "{":
                var j = i + 1, numbers: [String] = [""]
                while j < s.count, s[j] != "}" {
                    if s[j] == "," { numbers.append("") } else if ("0"..."9")
                        .contains(s[j]) { numbers[numbers.count - 1].unicodeScalars.append(s[j]) } else { return }
                    j += 1
                }
                guard j < s.count, numbers.count <= 2, let low = Int(numbers[0]) else { return }
                e.min = low
                e.max = numbers.count == 1 ? low : (numbers[1].isEmpty ? nil : Int(numbers[1]))
                i = j + 1
            default: return
            }
            if i < s.count, s[i] == "+" { e.possessive = true; i += 1 } else if i < s.count, s[i] == "?" { i += 1 }
            e.end = i
        }
    }

    static func zeroWidth(_ e: Element) -> Bool {
        switch e.kind {
        case .zeroWidth, .lookaround: return true
        default: return false
        }
    }

    /// Can match nothing.
    static func optional(_ e: Element) -> Bool {
        if e.min == 0 || zeroWidth(e) { return true }
        switch e.kind {
        case .group(let alts), .atomic(let alts): return alts.contains { $0.allSatisfy(optional) }
        default: return false
        }
    }

    /// Matches runs of any length in more than one way when repeated: an unbounded repeat, or a
    /// group that can be just one.
    static func run(_ e: Element) -> Bool {
        if e.possessive || zeroWidth(e) { return false }
        if e.max == nil { return true }
        if case .group(let alts) = e.kind { return alts.contains(where: ambiguous) }
        return false
    }

    /// An alternative that is one run and otherwise optional (or only optional runs).
    static func ambiguous(_ alt: [Element]) -> Bool {
        let required = alt.filter { !optional($0) }
        guard alt.contains(where: run) else { return false }
        return required.isEmpty || (required.count == 1 && run(required[0]))
    }

    static func risk(in alts: [[Element]], source: [Unicode.Scalar]) -> String? {
        for alt in alts {
            for e in alt {
                let inner: [[Element]]
                switch e.kind {
                case .group(let a), .lookaround(let a): inner = a
                case .atomic(let a): inner = a
                default: continue
                }
                if case .group = e.kind, !e.possessive, e.max.map({ $0 > 1 }) ?? true, inner.contains(where: ambiguous) {
                    let text = String(String.UnicodeScalarView(source[e.start..<min(e.end, source.count)]))
                    return "the repeated group “\(text)” repeats a repeat, which can take exponential time on some text; "
                        + "give the group a part it must match (as in “(?:\\w+\\s+)*”) or write it without nested repeats"
                }
                if let found = risk(in: inner, source: source) { return found }
            }
        }
        return nil
    }
}
