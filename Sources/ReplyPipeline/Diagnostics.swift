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

/// Compiler-style diagnostics: `path:line:col: severity: message [rule]`, the line, a caret.
public enum Diagnostics {
    public static func render(_ record: ReplyRecord, body: String, name: String, color: Bool) -> String {
        let map = PositionMap(record: record, body: body)
        var out = ""
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        for f in record.findings {
            let p = map.position(of: f.span)
            let level: String
            switch f.severity {
            case .error: level = paint("error", "1;31")
            case .warning: level = paint("warning", "1;33")
            case .info: level = paint("info", "1;36")
            }
            out += paint("\(name):\(p.line):\(p.column):", "1") + " \(level): \(f.message) [\(f.rule)]\n"
            let line = map.bodyLine(p.line)
            guard !line.isEmpty else { continue }
            out += "  \(line)\n"
            let prefix = String(line.unicodeScalars.prefix(max(0, p.column - 1)).map { $0 == "\t" ? "\t" : " " })
            let width = p.endLine == p.line ? max(1, p.endColumn - p.column) : max(1, line.unicodeScalars.count - p.column + 1)
            out += "  " + prefix + paint("^" + String(repeating: "~", count: width - 1), "1;32") + "\n"
            if let s = f.suggestion { out += "  " + prefix + paint("fix: \(s)", "32") + "\n" }
        }
        return out
    }
}
