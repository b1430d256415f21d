import Foundation
import ReplyQACore

/// A greeting that names somebody other than the customer.
struct WrongName: SafetyRule {
    static let rule = RuleDescription(
        id: "wrong-name", category: .greeting, severity: .error,
        summary: "The greeting names somebody other than the customer.",
        triggers: ["Hi «Karen»,\nYour order shipped.", "Dear Mr. «Smith»,"],
        passes: ["Hi Linda,\nYour order shipped.", "Dear Ms. Park,", "Hi there,", "Hello again Linda,"])

    let greeting: NSRegularExpression
    let titles: [String]
    let notNames: [String]
    init(lexicon: SafetyLexicon) throws {
        let greetings = lexicon.common.greetings.sorted { $0.count > $1.count }
        greeting = try lexicon.compile(lexicon.filling(lexicon.patterns.greeting, "greetings", with: greetings, "greeting"), "greeting",
                                       caseInsensitive: true)
        titles = lexicon.phrases.titles
        notNames = lexicon.common.notNames
    }

    func findings(in t: SafetyText) -> [Finding] {
        let candidates = t.customerNames
        guard !candidates.isEmpty else { return [] }
        let ns = t.ns
        let firstLine = ns.lineRange(for: NSRange(location: 0, length: 0))
        guard let m = greeting.firstMatch(in: t.text, range: firstLine), m.numberOfRanges > 1,
              m.range(at: 1).location != NSNotFound else { return [] }
        var r = m.range(at: 1)
        var name = ns.substring(with: r)
        // "Dear Mr. Smith": judge the surname.
        let parts = name.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if parts.count == 2 {
            let title = parts[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            guard titles.contains(title) else { return [] }  // "Hi there Linda" and the like: too loose to judge
            let surname = String(parts[1])
            r = NSRange(location: r.location + (name as NSString).range(of: surname).location, length: (surname as NSString).length)
            name = surname
        }
        let lower = name.lowercased()
        guard let first = name.first, first.isUppercase, !notNames.contains(lower), lower.count >= 2 else { return [] }
        let matches = candidates.contains { c in
            c == lower || (lower.count >= 3 && (c.hasPrefix(lower) || lower.hasPrefix(c)))
                || (c.count >= 6 && lower.count >= 3 && c.contains(lower))
        }
        guard !matches else { return [] }
        let display = t.reply.question?.customerName ?? t.reply.recipients.first ?? "the customer"
        let suggestion = candidates.first.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return [Self.rule.finding(span: t.span(r), message: "The greeting names “\(name)”, but the customer is \(display).",
                                  suggestion: suggestion)]
    }
}
