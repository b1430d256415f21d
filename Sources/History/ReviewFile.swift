import Calibration
import Foundation
import ReplyQACore
import Scoring
import Yams

/// A reviews file that could not be read: every problem, one `file:line: error: ...` line each.
public struct ReviewFileError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// `reviews.csv` and `reviews.yml`: the reviews as people keep them in a spreadsheet or a text
/// editor. Both hold the same columns, and export then import gives back every review unchanged.
public enum ReviewFile {
    /// The columns, in the order an export writes them. `reply`, `verdict` and either `rule`
    /// (with `text`) or `category` (with `score`) are needed; `file` and `agent` are context.
    public static let columns = ["reply", "file", "agent", "rule", "text", "category", "verdict", "score", "reviewer", "note", "date"]

    /// The rubric categories a score review may name.
    static let categories = Set(Category.allCases.map(\.rawValue))

    public enum Format: String, Sendable { case csv, yaml }

    /// The format a file's name says (`.csv`, `.yml` or `.yaml`).
    public static func format(of path: String) -> Format? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "yml", "yaml": return .yaml
        default: return nil
        }
    }

    /// Reads a reviews file; any bad row makes it an error (naming each), so nothing is half-read.
    public static func read(path: String) throws -> [Review] {
        guard let format = format(of: path) else {
            throw ReviewFileError(problems: ["\(path): error: a reviews file is .csv, .yml or .yaml"])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReviewFileError(problems: ["\(path): error: cannot read the file"])
        }
        let text = String(decoding: data, as: UTF8.self)
        return format == .csv ? try parse(csv: text, name: path) : try parse(yaml: text, name: path)
    }

    /// The reviews of a CSV text; `name` is what messages call the file.
    public static func parse(csv text: String, name: String = "reviews.csv") throws -> [Review] {
        let table: CSVRecords
        do { table = try CSVRecords.parse(text) } catch { throw ReviewFileError(
            problems: ["\(name):\(error.line): error: \(error.message)"]) }
        var problems: [String] = []
        let unknown = table.header.filter { !$0.isEmpty && !columns.contains($0) }
        if !unknown.isEmpty {
            problems.append(
                "\(name):1: error: unknown column\(unknown.count == 1 ? "" : "s") \(unknown.map { "“\($0)”" }.joined(separator: ", ")); " +
                    "the columns are \(columns.joined(separator: ", "))")
        }
        for needed in ["reply", "verdict"] where !table.header.contains(needed) {
            problems.append("\(name):1: error: no “\(needed)” column; the columns are \(columns.joined(separator: ", "))")
        }
        guard problems.isEmpty else { throw ReviewFileError(problems: problems) }
        var reviews: [Review] = []
        for record in table.records {
            var values: [String: String] = [:]
            for (k, column) in table.header.enumerated() where k < record.fields.count && !column.isEmpty {
                values[column] = CSVRecords.unguarded(record.fields[k])
            }
            if record.fields.count > table.header.count, record.fields[table.header.count...].contains(where: { !$0.isEmpty }) {
                problems.append("\(name):\(record.line): error: \(record.fields.count) fields, but the header names \(table.header.count)")
                continue
            }
            switch review(values, at: "\(name):\(record.line)") {
            case .success(let r): reviews.append(r)
            case .failure(let p): problems += p.problems
            }
        }
        guard problems.isEmpty else { throw ReviewFileError(problems: problems) }
        return reviews
    }

    /// The reviews of a YAML text: `reviews:` followed by a list of rows with the CSV's columns.
    public static func parse(yaml text: String, name: String = "reviews.yml") throws -> [Review] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ReviewFileError(problems: ["\(name): error: not YAML: \(error)"])
        }
        guard let root else { return [] }
        func line(_ node: Node) -> Int { node.mark?.line ?? 0 }
        guard case .mapping(let top) = root else {
            throw ReviewFileError(problems: ["\(name):\(line(root)): error: expected `reviews:` followed by a list of reviews"])
        }
        var problems: [String] = []
        for pair in top where pair.key.string != "reviews" {
            problems.append("\(name):\(line(pair.key)): error: unknown key “\(pair.key.string ?? "?")”; the file holds `reviews:` only")
        }
        guard let list = top["reviews"] else {
            guard problems.isEmpty else { throw ReviewFileError(problems: problems) }
            return []
        }
        var items: [Node] = []
        switch list {
        case .sequence(let s): items = Array(s)
        case .scalar(let s) where s.string.isEmpty || s.string == "~" || s.string == "null": items = []
        default: problems.append("\(name):\(line(list)): error: reviews: expected a list of reviews")
        }
        var reviews: [Review] = []
        for item in items {
            guard case .mapping(let m) = item else {
                problems.append(
                    "\(name):\(line(item)): error: a review is a set of `column: value` pairs (\(columns.joined(separator: ", ")))")
                continue
            }
            var values: [String: String] = [:]
            var bad = false
            for pair in m {
                let key = pair.key.string ?? ""
                guard columns.contains(key) else {
                    problems.append(
                        "\(name):\(line(pair.key)): error: unknown key “\(key)”; a review has \(columns.joined(separator: ", "))")
                    bad = true; continue
                }
                guard case .scalar(let s) = pair.value else {
                    problems.append("\(name):\(line(pair.value)): error: \(key): expected a single value")
                    bad = true; continue
                }
                // A null is an empty value; otherwise the text as written (a date stays text).
                values[key] = s.tag.description == Tag.Name.null.rawValue
                    || (s.style == .plain && ["~", "null"].contains(s.string)) ? "" : s.string
            }
            if bad { continue }
            switch review(values, at: "\(name):\(line(item))") {
            case .success(let r): reviews.append(r)
            case .failure(let p): problems += p.problems
            }
        }
        guard problems.isEmpty else { throw ReviewFileError(problems: problems) }
        return reviews
    }

    /// One review from its columns, or what is wrong with them.
    static func review(_ v: [String: String], at place: String) -> Result<Review, ReviewFileError> {
        var problems: [String] = []
        func value(_ k: String) -> String { v[k] ?? "" }
        let reply = value("reply").trimmingCharacters(in: .whitespaces)
        if reply.isEmpty { problems.append(
            "\(place): error: reply: expected the reply's id (as the report lists it) or * for every reply") }
        let verdictText = value("verdict").trimmingCharacters(in: .whitespaces).lowercased()
        guard let verdict = ReviewVerdict(rawValue: verdictText) else {
            problems.append(
                "\(place): error: verdict: expected one of \(ReviewVerdict.allCases.map(\.rawValue).joined(separator: ", ")); found " +
                    "“\(value("verdict"))”")
            return .failure(ReviewFileError(problems: problems))
        }
        var score: Int?
        let rule = value("rule").trimmingCharacters(in: .whitespaces), category = value("category").trimmingCharacters(in: .whitespaces)
        if verdict == .rescored {
            if !categories.contains(category) {
                problems.append(
                    "\(place): error: category: a rescored review names a rubric category " +
                        "(\(Category.allCases.map(\.rawValue).joined(separator: ", "))); found “\(category)”")
            }
            let s = value("score").trimmingCharacters(in: .whitespaces)
            if let n = Int(s), (0...100).contains(n) { score = n } else {
                problems.append("\(place): error: score: expected the reviewer's score, a whole number from 0 to 100; found “\(s)”")
            }
            if reply == Review.anyReply { problems.append("\(place): error: reply: a score review is of one reply, not *") }
        } else {
            if rule.isEmpty { problems.append("\(place): error: rule: a \(verdict.rawValue) review names the finding's rule") }
            if !value("score").trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("\(place): error: score: only a rescored review has a score")
            }
        }
        guard problems.isEmpty else { return .failure(ReviewFileError(problems: problems)) }
        return .success(Review(reply: reply, rule: verdict == .rescored ? "" : rule, text: verdict == .rescored ? "" : value("text"),
                               category: verdict == .rescored ? category : "", verdict: verdict, score: score,
                               reviewer: value("reviewer"), note: value("note"), date: value("date"), file: value("file"),
                                   agent: value("agent")))
    }

    static func fields(_ r: Review) -> [String] {
        [r.reply, r.file, r.agent, r.rule, r.text, r.category, r.verdict.rawValue, r.score.map(String.init) ?? "",
         r.reviewer, r.note, r.date]
    }

    /// The reviews as CSV, one row each, in key order.
    public static func csv(_ reviews: [Review]) -> String {
        CSVRecords.row(columns) + reviews.map { CSVRecords.row(fields($0)) }.joined()
    }

    /// The reviews as YAML (`reviews:` and a list), every value quoted as text except the score.
    public static func yaml(_ reviews: [Review]) -> String {
        guard !reviews.isEmpty else { return "reviews: []\n" }
        var out = "reviews:\n"
        for r in reviews {
            var first = true
            for (k, value) in zip(columns, fields(r)) where !value.isEmpty || ["reply", "verdict"].contains(k) {
                let shown = k == "score" ? value : quoted(value)
                out += (first ? "  - " : "    ") + "\(k): \(shown)\n"
                first = false
            }
        }
        return out
    }

    /// A YAML double-quoted scalar: every character survives, line breaks and controls escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
                    || u.value == 0xFEFF {
                    out += String(format: "\\u%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Writes the reviews to `path` (format by its name) through a temporary file, so an
    /// interrupted export never leaves half a file.
    public static func write(_ reviews: [Review], to path: String) throws {
        guard let format = format(of: path) else {
            throw ReviewFileError(problems: ["\(path): error: a reviews file is .csv, .yml or .yaml"])
        }
        let text = format == .csv ? csv(reviews) : yaml(reviews)
        let url = URL(fileURLWithPath: path)
        do { try Data(text.utf8).write(to: url, options: .atomic) }
        catch { throw ReviewFileError(problems: ["\(path): error: cannot write the file: \(error.localizedDescription)"]) }
    }
}
