import Foundation

/// How every CSV file ReplyQA writes quotes a field: quoted when it holds a comma, quote or line
/// break; a value a spreadsheet would run as a formula (starting with = + - @, a tab or CR, and not
/// a number) or that starts with `'` gets a leading `'`, so `unguarded` gives back what was written.
public enum CSVField {
    public static func quoted(_ s: String) -> String {
        var v = s
        if let f = v.unicodeScalars.first, f == "'" || ("=+-@\t\r".unicodeScalars.contains(f) && Double(v) == nil) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// A value as it was before `quoted` guarded it.
    public static func unguarded(_ s: String) -> String {
        s.hasPrefix("'") ? String(s.dropFirst()) : s
    }

    /// One CSV row, CR LF terminated.
    public static func row(_ fields: [String]) -> String { fields.map(quoted).joined(separator: ",") + "\r\n" }
}
