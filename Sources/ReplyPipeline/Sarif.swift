import Foundation
import ReplyQACore

/// SARIF 2.1.0 output for one linted reply: every rule as tool metadata, each finding a result.
public enum Sarif {
    public static func document(_ record: ReplyRecord, body: String, uri: String, rules: [RuleDescription],
                                version: String) throws -> String {
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        let map = PositionMap(record: record, body: body)
        func level(_ s: Severity) -> String { s == .error ? "error" : s == .warning ? "warning" : "note" }
        // The snippet points at a leak without repeating it, as the reports do.
        let shown = record.redactedAuthored
        let results: [[String: Any]] = record.findings.map { f in
            let p = map.position(of: f.span)
            let region: [String: Any] = ["startLine": p.line, "startColumn": p.column, "endLine": p.endLine, "endColumn": p.endColumn,
                                         "snippet": ["text": shown.text(at: f.span)]]
            var result: [String: Any] = [
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": ["text": f.message],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": uri], "region": region]]],
                "properties": ["category": f.category.rawValue],
            ]
            if let i = index[f.rule] { result["ruleIndex"] = i }
            if let s = f.suggestion {
                result["fixes"] = [[
                    "description": ["text": "Replace with “\(s)”"],
                    "artifactChanges": [["artifactLocation": ["uri": uri],
                                         "replacements": [["deletedRegion": ["startLine": p.line, "startColumn": p.column,
                                                                            "endLine": p.endLine, "endColumn": p.endColumn],
                                                           "insertedContent": ["text": s]]]]],
                ]]
            }
            return result
        }
        let driverRules: [[String: Any]] = rules.map { r in
            ["id": r.id, "shortDescription": ["text": r.summary],
             "defaultConfiguration": ["level": level(r.severity)], "properties": ["category": r.category.rawValue]]
        }
        var properties: [String: Any] = [:]
        if let score = record.score {
            properties = ["overall": score.overall, "categories": score.categories, "autoFailed": score.autoFailed]
        }
        let doc: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "ReplyQA", "version": version,
                                    "rules": driverRules]],
                "columnKind": "unicodeCodePoints",
                "artifacts": [["location": ["uri": uri]]],
                "results": results,
                "properties": ["scores": properties],
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
