import Foundation
import ReplyQACore

/// A full bank account number (IBAN) in the reply.
struct IBAN: SafetyRule {
    static let rule = RuleDescription(
        id: "iban", category: .privacy, severity: .error,
        summary: "A full IBAN (checksum-valid) in the reply.",
        triggers: ["We refunded «DE89 3704 0044 0532 0130 00»."],
        passes: ["We refunded the account ending 3000.", "Reference DE12 3456 7890 1234 5678 90.",
                 "See https://example.com/DE89370400440532013000/form."],
        sensitive: true, autoFail: true)

    let pattern: NSRegularExpression
    init(lexicon: SafetyLexicon) throws { pattern = try lexicon.compile(lexicon.patterns.iban, "iban") }

    func findings(in t: SafetyText) -> [Finding] {
        pattern.matches(in: t.text, range: t.full).compactMap { m in
            guard !t.inZone(m.range) else { return nil }
            let raw = t.ns.substring(with: m.range).replacingOccurrences(of: " ", with: "").uppercased()
            guard (15...34).contains(raw.count), Self.valid(raw) else { return nil }
            return Self.rule.finding(span: t.span(m.range), message: "This is a full bank account number (IBAN); mask it.",
                                     suggestion: String(raw.prefix(4)) + " •••• " + String(raw.suffix(4)))
        }
    }

    /// The ISO 13616 check: the rearranged number, letters as 10-35, is 1 modulo 97.
    static func valid(_ iban: String) -> Bool {
        let rearranged = iban.dropFirst(4) + iban.prefix(4)
        var remainder = 0
        for ch in rearranged {
            if let d = ch.wholeNumberValue { remainder = (remainder * 10 + d) % 97 }
            else if let a = ch.asciiValue, ch.isLetter { remainder = (remainder * 100 + Int(a) - 55) % 97 }
            else { return false }
        }
        return remainder == 1
    }
}
