import Foundation
import ReplyQACore
import TextAnalysis

/// One safety rule. Its description is the only place its facts (id, category, severity, whether
/// it is customer data, whether it fails the reply) are written: its findings are made from it.
protocol SafetyRule: Sendable {
    static var rule: RuleDescription { get }
    /// Whether the rule reads replies with no authored text (every other rule skips them).
    static var readsEmptyReplies: Bool { get }
    init(lexicon: SafetyLexicon) throws
    func findings(in text: SafetyText) -> [Finding]
}

extension SafetyRule {
    static var readsEmptyReplies: Bool { false }
}

/// Catches what must never reach a customer: their payment and identity data echoed back,
/// secrets, notes for colleagues, unfilled template fields, promised attachments that are not
/// there, a greeting to somebody else, and empty replies.
public struct SafetyChecker: Checker {
    public var name: String { "safety" }
    let lexicon: SafetyLexicon
    let members: [any SafetyRule]

    public init(lexicon: SafetyLexicon) throws {
        self.lexicon = lexicon
        members = try Self.ruleTypes.map { try $0.init(lexicon: lexicon) }
    }

    public var rules: [RuleDescription] { Self.ruleTypes.map { $0.rule } }

    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        let blank = reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let text = SafetyText(reply, context: context, lexicon: lexicon)
        return members.flatMap { rule in blank && !type(of: rule).readsEmptyReplies ? [] : rule.findings(in: text) }
    }
}

/// One reply as every safety rule reads it: the text in UTF-16 (for the patterns) and scalar
/// offsets (for spans), and the zones of it that are never customer data.
final class SafetyText {
    let reply: Reply
    let context: CheckContext
    let lexicon: SafetyLexicon
    let text: String
    let ns: NSString
    let full: NSRange
    let offsets: ScalarOffsets
    /// Link, address, path and id zones of each line a candidate touched, by the line's start.
    private var zonesByLine: [Int: [Span]] = [:]

    init(_ reply: Reply, context: CheckContext, lexicon: SafetyLexicon) {
        self.reply = reply; self.context = context; self.lexicon = lexicon
        text = reply.authored
        ns = text as NSString
        full = NSRange(location: 0, length: ns.length)
        offsets = ScalarOffsets(text)
    }

    func span(_ r: NSRange) -> Span {
        Span(start: offsets.offset(utf16: r.location), end: offsets.offset(utf16: r.location + r.length))
    }

    /// Zones whose text is a link, an address, a path or an id, never a leaked card, IBAN or secret.
    static let notCustomerData: Set<SkipKind> = [.url, .email, .path, .handle, .hashtag, .identifier]
    static let zones = Tokenizer()

    /// Whether `r` overlaps a link, an address, a path, a handle or an id. Links and ids hold digits
    /// and letters that are not customer data (a web.archive.org timestamp is 14 digits): the
    /// tokenizer already knows these spans. They never cross a line, so only the lines a candidate
    /// touches are tokenized: a long reply costs no token array in its size.
    func inZone(_ r: NSRange) -> Bool {
        let line = ns.lineRange(for: r)
        let zones = zonesByLine[line.location] ?? {
            let base = span(NSRange(location: line.location, length: 0)).start
            let found = Self.zones.tokenize(ns.substring(with: line)).compactMap { t -> Span? in
                guard case .skipped(let kind) = t.kind, Self.notCustomerData.contains(kind) else { return nil }
                return Span(start: base + t.span.start, end: base + t.span.end)
            }
            zonesByLine[line.location] = found
            return found
        }()
        let s = span(r)
        return zones.contains { $0.start < s.end && s.start < $0.end }
    }

    /// Whether one of the three words before `r` names it as an order, tracking or case number.
    func namedAsIdentifier(_ r: NSRange) -> Bool {
        let before = ns.substring(with: NSRange(location: max(0, r.location - 40), length: min(40, r.location))).lowercased()
        let words = before.split(whereSeparator: { !$0.isLetter }).suffix(3)
        return words.contains { lexicon.phrases.identifierWords.contains(String($0)) }
    }

    /// The names the customer may be greeted by (see `PartyNames.customer`).
    lazy var customerNames: [String] = PartyNames.customer(of: reply, ignoring: Set(lexicon.patterns.notNameParts))
}
