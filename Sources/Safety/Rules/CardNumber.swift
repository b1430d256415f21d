import Foundation
import ReplyQACore

/// A full payment card number echoed back to the customer.
struct CardNumber: SafetyRule {
    static let rule = RuleDescription(
        id: "card-number", category: .privacy, severity: .error,
        summary: "A full payment card number (13-19 digits, Luhn-valid) echoed back; masked forms are fine.",
        triggers: ["The card «4111 1111 1111 1111» was declined.", "Card «5500-0000-0000-0004» expired."],
        passes: ["The card **** 1111 was declined.", "Order 4111 1111 1111 1112 shipped.", "Call 1-800-555-0100.",
                 "Card XXXX-XXXX-XXXX-1111.",
                 "Your order 4111 1111 1111 1111 shipped.", "Tracking number 4111-1111-1111-1111.",
                 "Blog: https://web.archive.org/web/20200401234010/https://blog.zoom.us/response",
                 "See web.archive.org/web/20200401234010/blog.zoom.us/a or mail 4111111111111111@example.com."],
        sensitive: true, autoFail: true)

    let pattern: NSRegularExpression
    init(lexicon: SafetyLexicon) throws { pattern = try lexicon.compile(lexicon.patterns.cardNumber, "card_number") }

    func findings(in t: SafetyText) -> [Finding] {
        pattern.matches(in: t.text, range: t.full).compactMap { m in
            guard !t.inZone(m.range), !t.namedAsIdentifier(m.range) else { return nil }
            let digits = t.ns.substring(with: m.range).filter(\.isNumber)
            guard (13...19).contains(digits.count), Set(digits).count > 1, Self.luhn(digits) else { return nil }
            return Self.rule.finding(span: t.span(m.range),
                                     message: "This looks like a full payment card number; never send it back to the customer.",
                                     suggestion: "•••• " + String(digits.suffix(4)))
        }
    }

    static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (i, ch) in digits.reversed().enumerated() {
            guard var d = ch.wholeNumberValue else { return false }
            if i % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0
    }
}
