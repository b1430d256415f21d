import Foundation
import ReplyQACore

/// RFC 4180 CSV as people keep it in spreadsheets: quoted fields may hold commas, quotes and line
/// breaks; rows end in LF or CR LF; a byte-order mark is skipped. Each record keeps the line it
/// starts on, so a mistake can be named by line.
public struct CSVRecords: Sendable {
    /// One row: its fields and the (1-based) line it starts on.
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        public var line: Int
    }

    /// The first row, lower-cased and trimmed.
    public var header: [String]
    public var records: [Record]

    /// Why a CSV text could not be read.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(header: [String], records: [Record]) { self.header = header; self.records = records }

    /// Parses `text`; an unterminated quoted field is a failure naming the line it opened on.
    public static func parse(_ text: String) throws(Failure) -> CSVRecords {
        var rows: [Record] = []
        var field = String.UnicodeScalarView(), fields: [String] = []
        var line = 1, rowLine = 1, quoted = false, quoteLine = 0, afterQuote = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endField() { fields.append(String(field)); field = String.UnicodeScalarView(); afterQuote = false }
        func endRow() {
            endField()
            // A blank line is no row.
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Record(fields: fields, line: rowLine)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    quoted = false; afterQuote = true
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true; quoteLine = line
            case ",":
                endField()
            case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
                break
            case "\n", "\r":
                endRow(); line += 1; rowLine = line
            default:
                field.append(c)
            }
            i += 1
        }
        if quoted { throw Failure(line: quoteLine, message: "a quoted field opened here is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        guard let first = rows.first else { return CSVRecords(header: [], records: []) }
        return CSVRecords(header: first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() },
                          records: Array(rows.dropFirst()))
    }

    /// The index of the first header among `names`.
    public func column(_ names: String...) -> Int? {
        for n in names { if let i = header.firstIndex(of: n) { return i } }
        return nil
    }

    /// A field for a spreadsheet: quoted when needed, and a value a spreadsheet would run as a
    /// formula (starting with = + - @, a tab or CR) gets a leading `'`. A value that starts with
    /// `'` gets one too, so `unguarded` gives back exactly what was written.
    public static func field(_ s: String) -> String { CSVField.quoted(s) }

    /// A value as it was before `field` guarded it.
    public static func unguarded(_ s: String) -> String { CSVField.unguarded(s) }

    /// One CSV row, CR LF terminated.
    public static func row(_ fields: [String]) -> String { CSVField.row(fields) }
}
