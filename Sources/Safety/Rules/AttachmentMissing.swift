import Foundation
import ReplyQACore

/// "Please find attached", with nothing attached.
struct AttachmentMissing: SafetyRule {
    static let rule = RuleDescription(
        id: "attachment-missing", category: .privacy, severity: .error,
        summary: "\"Please find attached\" and the like, with no attachment on the message.",
        triggers: ["«Please find attached» the label.", "«I've attached» the receipt.", "«See the attachment» for details."],
        passes: ["The device attached to your account is an iPhone.", "I will send the label tomorrow."])

    let claims: [NSRegularExpression]
    let notClaims: [NSRegularExpression]
    init(lexicon: SafetyLexicon) throws {
        claims = try lexicon.phrases.attachmentClaims.map { try lexicon.compile($0, "attachment_claims", caseInsensitive: true) }
        notClaims = try lexicon.phrases.notAttachmentClaims.map { try lexicon.compile($0, "not_attachment_claims", caseInsensitive: true) }
    }

    func findings(in t: SafetyText) -> [Finding] {
        guard t.reply.attachments.isEmpty else { return [] }
        var findings: [Finding] = []
        for claim in claims {
            for m in claim.matches(in: t.text, range: t.full) {
                let line = t.ns.substring(with: t.ns.lineRange(for: m.range))
                let whole = NSRange(location: 0, length: (line as NSString).length)
                if notClaims.contains(where: { $0.firstMatch(in: line, range: whole) != nil }) { continue }
                let span = t.span(m.range)
                // Two claims that start together ("I've attached" in "I've attached the label") are one.
                if findings.contains(where: { $0.span.start == span.start }) { continue }
                findings.append(Self.rule.finding(span: span, message: "The reply mentions an attachment, but nothing is attached."))
            }
        }
        return findings
    }
}
