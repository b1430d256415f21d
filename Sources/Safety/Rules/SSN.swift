import Foundation
import ReplyQACore

/// A US Social Security number in the reply.
struct SSN: SafetyRule {
    static let rule = RuleDescription(
        id: "ssn", category: .privacy, severity: .error,
        summary: "A US Social Security number in the reply.",
        triggers: ["Your SSN «123-45-6789» is on file."],
        passes: ["Call 555-123-4567.", "Ticket 000-12-3456 is open.", "Case 123-45-6789 is open.",
                 "See https://example.com/docs/123-45-6789."],
        sensitive: true, autoFail: true)

    let pattern: NSRegularExpression
    init(lexicon: SafetyLexicon) throws { pattern = try lexicon.compile(lexicon.patterns.ssn, "ssn") }

    func findings(in t: SafetyText) -> [Finding] {
        pattern.matches(in: t.text, range: t.full).compactMap { m in
            guard !t.inZone(m.range), !t.namedAsIdentifier(m.range), m.numberOfRanges >= 4 else { return nil }
            let area = Int(t.ns.substring(with: m.range(at: 1))) ?? 0, group = Int(t.ns.substring(with: m.range(at: 2))) ?? 0
            let serial = Int(t.ns.substring(with: m.range(at: 3))) ?? 0
            // Numbers the SSA never assigns.
            guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return nil }
            return Self.rule.finding(span: t.span(m.range),
                                     message: "This looks like a US Social Security number; never send it in a reply.",
                                     suggestion: "•••-••-" + t.ns.substring(with: m.range(at: 3)))
        }
    }
}
