import Foundation
import ReplyQACore

/// Where a finding sits in the reply body: 1-based line and column (Unicode scalars).
public struct Position: Equatable, Sendable {
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
}

/// Maps spans of the authored text back to lines of the body it was cut from.
public struct PositionMap: Sendable {
    let authoredLineStarts: [Int]
    let bodyLineOfAuthoredLine: [Int]
    let bodyLines: [String]

    public init(record: ReplyRecord, body: String) {
        var starts = [0]
        var offset = 0
        for s in record.reply.authored.unicodeScalars {
            offset += 1
            if s == "\n" { starts.append(offset) }
        }
        authoredLineStarts = starts
        bodyLineOfAuthoredLine = record.segments.authoredLineMap
        bodyLines = body.components(separatedBy: "\n")
    }

    func lineAndColumn(_ offset: Int) -> (Int, Int) {
        var line = 0
        while line + 1 < authoredLineStarts.count, authoredLineStarts[line + 1] <= offset { line += 1 }
        let bodyLine = line < bodyLineOfAuthoredLine.count && bodyLineOfAuthoredLine[line] >= 0 ? bodyLineOfAuthoredLine[line] : line
        // Segmentation keeps authored lines verbatim, so the column carries over.
        return (bodyLine + 1, offset - authoredLineStarts[line] + 1)
    }

    public func position(of span: Span) -> Position {
        let (l, c) = lineAndColumn(span.start)
        let (el, ec) = lineAndColumn(max(span.start, span.end))
        return Position(line: l, column: c, endLine: el, endColumn: ec)
    }

    public func bodyLine(_ line: Int) -> String { line >= 1 && line <= bodyLines.count ? bodyLines[line - 1] : "" }
}

/// Text from an email made safe to print on a terminal: C0 and C1 control characters (except line
/// feed and tab) and the bidirectional embeddings, overrides and isolates are shown as visible
/// escapes (`\u{1B}`), so a message cannot clear the screen, move the cursor, write the clipboard
/// (OSC 52) or reorder what a line appears to say.
public enum TerminalText {
    /// Whether a scalar acts on the terminal or reorders text instead of showing itself.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// How an unsafe scalar is shown.
    static func visible(_ u: Unicode.Scalar) -> String { "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" }

    /// The columns a scalar takes once escaped (1 for a safe one).
    public static func width(_ u: Unicode.Scalar) -> Int { isUnsafe(u) ? visible(u).unicodeScalars.count : 1 }

    /// `s` with every unsafe scalar replaced by its visible escape.
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isUnsafe(u) { out.append(contentsOf: visible(u).unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }
}

/// Compiler-style diagnostics: `path:line:col: severity: message [rule]`, the line, a caret.
public enum Diagnostics {
    /// Every piece of text from the input is escaped (`TerminalText`); only `color` adds escape codes.
    public static func render(_ record: ReplyRecord, body: String, name: String, color: Bool) -> String {
        let map = PositionMap(record: record, body: body)
        var out = ""
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        let safe = TerminalText.escape
        for f in record.findings {
            let p = map.position(of: f.span)
            let level: String
            switch f.severity {
            case .error: level = paint("error", "1;31")
            case .warning: level = paint("warning", "1;33")
            case .info: level = paint("info", "1;36")
            }
            out += paint("\(safe(name)):\(p.line):\(p.column):", "1") + " \(level): \(safe(f.message)) [\(safe(f.rule))]\n"
            let line = map.bodyLine(p.line)
            guard !line.isEmpty else { continue }
            out += "  \(safe(line))\n"
            // The caret follows the escaped line: an escaped scalar takes as many columns as its escape.
            let scalars = Array(line.unicodeScalars)
            let start = min(max(0, p.column - 1), scalars.count)
            let end = p.endLine == p.line ? min(max(start, p.endColumn - 1), scalars.count) : scalars.count
            let prefix = scalars[..<start].map { $0 == "\t" ? "\t" : String(repeating: " ", count: TerminalText.width($0)) }.joined()
            let width = max(1, scalars[start..<end].reduce(0) { $0 + TerminalText.width($1) })
            out += "  " + prefix + paint("^" + String(repeating: "~", count: width - 1), "1;32") + "\n"
            if let s = f.suggestion { out += "  " + prefix + paint("fix: \(safe(s))", "32") + "\n" }
        }
        return out
    }
}
