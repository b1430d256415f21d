import Foundation
import ReplyQACore

/// A template field the agent did not fill in.
struct TemplatePlaceholder: SafetyRule {
    static let rule = RuleDescription(
        id: "template-placeholder", category: .privacy, severity: .error,
        summary: "An unfilled template field: {{first_name}}, [Customer Name], <NAME>, %NAME%, XXX...",
        triggers: ["Hi «{{first_name}}»,", "Dear «[Customer Name]»,", "Hi «<NAME>»,", "Order «%ORDER%» shipped.", "It arrives on «XXX»."],
        passes: ["Hi Linda,", "Use the code [sic] as shown.", "Card XXXX-XXXX-XXXX-1111 was charged.", "It costs $10."],
        autoFail: true)

    let pattern: NSRegularExpression
    init(lexicon: SafetyLexicon) throws {
        pattern = try lexicon.compile(lexicon.patterns.placeholder.joined(separator: "|"), "placeholder")
    }

    func findings(in t: SafetyText) -> [Finding] {
        let ns = t.ns
        let first = t.customerNames.first.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return pattern.matches(in: t.text, range: t.full).compactMap { m in
            let found = ns.substring(with: m.range)
            // "XXXX-XXXX-XXXX-1234" is a masked card number, not an unfilled field.
            if found.allSatisfy({ $0 == "X" || $0 == "x" }) {
                let end = m.range.location + m.range.length
                let after = end < ns.length ? ns.substring(with: NSRange(location: end, length: min(6, ns.length - end))) : ""
                let digitsFollow = after.first == " " && after.dropFirst().first?.isNumber == true
                if after.first == "-" || digitsFollow || after.hasPrefix("-X") { return nil }
                let before = m.range.location > 0 ? ns.substring(with: NSRange(location: m.range.location - 1, length: 1)) : ""
                if before == "-" { return nil }
            }
            let isName = found.lowercased().contains("name")
            return Self.rule.finding(span: t.span(m.range), message: "“\(found)” is an unfilled template field.",
                                     suggestion: isName ? first : nil)
        }
    }
}
