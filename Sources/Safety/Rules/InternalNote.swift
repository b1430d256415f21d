import Foundation
import ReplyQACore

/// A line meant for colleagues, left in the reply.
struct InternalNote: SafetyRule {
    static let rule = RuleDescription(
        id: "internal-note", category: .privacy, severity: .error,
        summary: "A line meant for colleagues: internal:, note to self, do not send, TODO...",
        triggers: ["Hi Linda,\n«Internal: customer is a chargeback risk»\nYour order shipped.", "«TODO check the refund»"],
        passes: ["Hi Linda,\nYour order shipped.", "We'll note it internally. It is all done."],
        autoFail: true)

    let markers: [String]
    init(lexicon: SafetyLexicon) throws { markers = lexicon.phrases.internalMarkers }

    func findings(in t: SafetyText) -> [Finding] {
        var findings: [Finding] = []
        var location = 0
        for line in t.text.components(separatedBy: "\n") {
            let length = (line as NSString).length
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "-" || $0 == "*" || $0 == ">" }).lowercased()
            let lead = length - (trimmed as NSString).length
            // A marker that ends in a letter must end a word: "todo" but not "today".
            if markers.contains(where: { marker in
                trimmed.hasPrefix(marker) && (marker.last.map { !$0.isLetter } ?? true || trimmed.count == marker.count
                    || !(trimmed.dropFirst(marker.count).first?.isLetter ?? false))
            }) {
                findings.append(Self.rule.finding(span: t.span(NSRange(location: location + lead, length: length - lead)),
                                                  message: "This line is a note for colleagues; remove it before sending."))
            }
            location += length + 1
        }
        return findings
    }
}
