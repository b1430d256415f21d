import Foundation
import ReplyQACore

/// A password or code written out in the reply.
struct PasswordInClear: SafetyRule {
    static let rule = RuleDescription(
        id: "password-in-clear", category: .privacy, severity: .error,
        summary: "A password or code written out (\"your password is ...\").",
        triggers: ["Your new password is «Tr4il-2026», please change it.", "Temporary password: «x8Kq2mZ»"],
        passes: ["Your password is case-sensitive.", "Your password was reset; use the link to choose a new one.",
                 "Can't receive your verification code: https://support.google.com/accounts/answer/185834?hl=en"],
        sensitive: true, autoFail: true)

    let secret: NSRegularExpression
    init(lexicon: SafetyLexicon) throws {
        let p = lexicon.patterns
        secret = try lexicon.compile(lexicon.filling(p.secret, "secret_words", with: lexicon.phrases.secretWords, "secret"), "secret",
                                     caseInsensitive: true)
    }

    func findings(in t: SafetyText) -> [Finding] {
        secret.matches(in: t.text, range: t.full).compactMap { m in
            guard m.numberOfRanges > 1 else { return nil }
            var r = m.range(at: 1)
            if r.location == NSNotFound || t.inZone(r) { return nil }
            var value = t.ns.substring(with: r)
            while let last = value.last, ".!?)".contains(last) { value.removeLast(); r.length -= 1 }
            let looksSecret = value.count >= 4 && !t.lexicon.phrases.notSecrets.contains(value.lowercased())
                && (value.contains(where: \.isNumber) || value.contains(where: { !$0.isLetter && !$0.isNumber })
                    || (value.contains(where: \.isUppercase) && value.contains(where: \.isLowercase)))
            guard looksSecret else { return nil }
            return Self.rule.finding(span: t.span(r), message: "A password or code in clear text; send a reset link instead.")
        }
    }
}
