import Foundation
import ReplyQACore
import TextAnalysis
import Yams

/// The phrase lists of `Dictionaries/safety/<lang>.yml`.
public struct SafetyLexicon: Decodable, Sendable {
    public var attachmentClaims: [String]
    public var notAttachmentClaims: [String]
    public var internalMarkers: [String]
    public var greetings: [String]
    public var notNames: [String]
    public var titles: [String]
    public var secretWords: [String]
    public var notSecrets: [String]
    /// Words that name a number as an order, tracking or case id: "order 4111 1111 1111 1111" is not a card.
    public var identifierWords: [String]

    enum CodingKeys: String, CodingKey {
        case attachmentClaims = "attachment_claims", notAttachmentClaims = "not_attachment_claims"
        case internalMarkers = "internal_markers", greetings, notNames = "not_names", titles
        case secretWords = "secret_words", notSecrets = "not_secrets", identifierWords = "identifier_words"
    }

    public static func load(language: String, locator: DictionaryLocator) throws -> SafetyLexicon {
        guard let url = locator.file("safety/\(language).yml") else {
            throw SafetyError(description: "no safety phrase list for \(language): expected \(locator.root?.path ?? "Dictionaries")/safety/\(language).yml")
        }
        do { return try YAMLDecoder().decode(SafetyLexicon.self, from: String(contentsOf: url, encoding: .utf8)) }
        catch { throw SafetyError(description: "\(url.lastPathComponent): \(error)") }
    }
}

/// A phrase list that cannot be used.
public struct SafetyError: Error, CustomStringConvertible { public var description: String }

/// Catches what must never reach a customer: their payment and identity data echoed back,
/// secrets, notes for colleagues, unfilled template fields, promised attachments that are not
/// there, a greeting to somebody else, and empty replies.
public struct SafetyChecker: Checker {
    public var name: String { "safety" }
    let lexicon: SafetyLexicon
    let attachmentClaims: [NSRegularExpression]
    let notAttachment: [NSRegularExpression]
    let greeting: NSRegularExpression
    let secret: NSRegularExpression

    public init(lexicon: SafetyLexicon) throws {
        self.lexicon = lexicon
        func compile(_ p: String) throws -> NSRegularExpression {
            if let why = PatternCheck.backtrackingRisk(p) { throw SafetyError(description: "pattern in the safety phrase list \(p): \(why)") }
            do { return try NSRegularExpression(pattern: p, options: [.caseInsensitive]) }
            catch { throw SafetyError(description: "bad pattern in the safety phrase list: \(p)") }
        }
        attachmentClaims = try lexicon.attachmentClaims.map(compile)
        notAttachment = try lexicon.notAttachmentClaims.map(compile)
        let greetings = lexicon.greetings.sorted { $0.count > $1.count }.map(NSRegularExpression.escapedPattern).joined(separator: "|")
        greeting = try compile(#"^\s*(?:"# + greetings + #")[ \t,]+((?:[\p{L}]+\.?[ \t]+)?[\p{L}][\p{L}'’\-]*)"#)
        let secrets = lexicon.secretWords.map(NSRegularExpression.escapedPattern).joined(separator: "|")
        secret = try compile(#"\b(?:"# + secrets + #")\b\s*(?:is|was|:|=|has been (?:reset|changed|set) to|set to)\s*[:"“'‘]?\s*([^\s"”'’,;]+)"#)
    }

    public func check(_ reply: Reply, in context: CheckContext) -> [Finding] {
        let text = reply.authored
        var findings: [Finding] = []
        findings += emptyReply(reply)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return findings }
        let ns = text as NSString
        let full = NSRange(location: 0, length: ns.length)
        let offsets = ScalarOffsets(text)
        func span(_ r: NSRange) -> Span { Span(start: offsets.offset(utf16: r.location), end: offsets.offset(utf16: r.location + r.length)) }
        func add(_ rule: String, _ category: Category, _ severity: Severity, _ r: NSRange, _ message: String, _ suggestion: String? = nil) {
            findings.append(Finding(category: category, rule: rule, severity: severity, span: span(r), message: message, suggestion: suggestion))
        }

        // Links, addresses, paths, handles and ids hold digits and letters that are not customer
        // data (a web.archive.org timestamp is 14 digits): the tokenizer already knows these spans.
        // These zones never cross a line, so only the lines a candidate match touches are
        // tokenized: a long reply costs no token array in its size.
        var zonesByLine: [Int: [Span]] = [:]
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
        func namedAsIdentifier(_ r: NSRange) -> Bool {
            let before = ns.substring(with: NSRange(location: max(0, r.location - 40), length: min(40, r.location))).lowercased()
            let words = before.split(whereSeparator: { !$0.isLetter }).suffix(3)
            return words.contains { lexicon.identifierWords.contains(String($0)) }
        }
        for m in Patterns.card.matches(in: text, range: full) where !inZone(m.range) && !namedAsIdentifier(m.range) {
            let digits = ns.substring(with: m.range).filter(\.isNumber)
            guard (13...19).contains(digits.count), Set(digits).count > 1, Self.luhn(digits) else { continue }
            add("card-number", .privacy, .error, m.range, "This looks like a full payment card number; never send it back to the customer.",
                "•••• " + String(digits.suffix(4)))
        }
        for m in Patterns.iban.matches(in: text, range: full) where !inZone(m.range) {
            let raw = ns.substring(with: m.range).replacingOccurrences(of: " ", with: "").uppercased()
            guard (15...34).contains(raw.count), Self.ibanValid(raw) else { continue }
            add("iban", .privacy, .error, m.range, "This is a full bank account number (IBAN); mask it.", String(raw.prefix(4)) + " •••• " + String(raw.suffix(4)))
        }
        for m in Patterns.ssn.matches(in: text, range: full) where !inZone(m.range) && !namedAsIdentifier(m.range) {
            let area = Int(ns.substring(with: m.range(at: 1))) ?? 0, group = Int(ns.substring(with: m.range(at: 2))) ?? 0
            let serial = Int(ns.substring(with: m.range(at: 3))) ?? 0
            guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { continue }
            add("ssn", .privacy, .error, m.range, "This looks like a US Social Security number; never send it in a reply.", "•••-••-" + ns.substring(with: m.range(at: 3)))
        }
        for m in secret.matches(in: text, range: full) {
            var r = m.range(at: 1)
            if inZone(r) { continue }
            var value = ns.substring(with: r)
            while let last = value.last, ".!?)".contains(last) { value.removeLast(); r.length -= 1 }
            let lower = value.lowercased()
            let looksSecret = value.count >= 4 && !lexicon.notSecrets.contains(lower)
                && (value.contains(where: \.isNumber) || value.contains(where: { !$0.isLetter && !$0.isNumber }) || (value.contains(where: \.isUppercase) && value.contains(where: \.isLowercase)))
            guard looksSecret else { continue }
            add("password-in-clear", .privacy, .error, r, "A password or code in clear text; send a reset link instead.")
        }
        for p in Patterns.apiKeys {
            for m in p.matches(in: text, range: full) {
                let r = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
                if inZone(r) { continue }
                add("api-key", .privacy, .error, r, "This looks like an API key or access token; never put it in a reply.")
            }
        }
        findings += internalNotes(text, ns: ns, span: span)
        for m in Patterns.mention.matches(in: text, range: full) where !context.config.handleChannels.contains(reply.channel.lowercased()) {
            add("colleague-mention", .privacy, .warning, m.range, "An @-mention in an email reply is usually meant for a colleague, not the customer.")
        }
        findings += placeholders(text, ns: ns, reply: reply, span: span)
        if reply.attachments.isEmpty {
            for claim in attachmentClaims {
                for m in claim.matches(in: text, range: full) {
                    let sentence = ns.lineRange(for: m.range)
                    let line = ns.substring(with: sentence)
                    if notAttachment.contains(where: { $0.firstMatch(in: line, range: NSRange(location: 0, length: (line as NSString).length)) != nil }) { continue }
                    if findings.contains(where: { $0.rule == "attachment-missing" && $0.span.start == span(m.range).start }) { continue }
                    add("attachment-missing", .privacy, .error, m.range, "The reply mentions an attachment, but nothing is attached.")
                }
            }
        }
        findings += wrongName(reply, ns: ns, span: span)
        return findings
    }

    /// Zones whose text is a link, an address, a path or an id, never a leaked card, IBAN or secret.
    static let notCustomerData: Set<SkipKind> = [.url, .email, .path, .handle, .hashtag, .identifier]
    static let zones = Tokenizer()

    // MARK: - Individual checks

    func emptyReply(_ reply: Reply) -> [Finding] {
        guard reply.authored.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        let why = reply.signature != nil ? "The reply holds only a signature." : reply.quoted != nil ? "The reply holds only quoted text." : "The reply is empty."
        return [Finding(category: .privacy, rule: "empty-reply", severity: .error, span: Span(start: 0, end: 0), message: why)]
    }

    func internalNotes(_ text: String, ns: NSString, span: (NSRange) -> Span) -> [Finding] {
        var findings: [Finding] = []
        var location = 0
        for line in text.components(separatedBy: "\n") {
            let length = (line as NSString).length
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "-" || $0 == "*" || $0 == ">" }).lowercased()
            let lead = length - (trimmed as NSString).length
            if lexicon.internalMarkers.contains(where: { marker in
                trimmed.hasPrefix(marker) && (marker.last.map { !$0.isLetter } ?? true || trimmed.count == marker.count
                    || !(trimmed.dropFirst(marker.count).first?.isLetter ?? false))
            }) {
                findings.append(Finding(category: .privacy, rule: "internal-note", severity: .error,
                                        span: span(NSRange(location: location + lead, length: length - lead)),
                                        message: "This line is a note for colleagues; remove it before sending."))
            }
            location += length + 1
        }
        return findings
    }

    func placeholders(_ text: String, ns: NSString, reply: Reply, span: (NSRange) -> Span) -> [Finding] {
        var findings: [Finding] = []
        let full = NSRange(location: 0, length: ns.length)
        let first = Self.customerNames(reply).first.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        for m in Patterns.placeholder.matches(in: text, range: full) {
            let found = ns.substring(with: m.range)
            // "XXXX-XXXX-XXXX-1234" is a masked card number, not an unfilled field.
            if found.allSatisfy({ $0 == "X" || $0 == "x" }) {
                let after = m.range.location + m.range.length < ns.length ? ns.substring(with: NSRange(location: m.range.location + m.range.length, length: min(6, ns.length - m.range.location - m.range.length))) : ""
                if after.first == "-" || after.first == " " && after.dropFirst().first?.isNumber == true || after.hasPrefix("-X") { continue }
                let before = m.range.location > 0 ? ns.substring(with: NSRange(location: m.range.location - 1, length: 1)) : ""
                if before == "-" { continue }
            }
            let isName = found.lowercased().contains("name")
            findings.append(Finding(category: .privacy, rule: "template-placeholder", severity: .error, span: span(m.range),
                                    message: "“\(found)” is an unfilled template field.", suggestion: isName ? first : nil))
        }
        return findings
    }

    func wrongName(_ reply: Reply, ns: NSString, span: (NSRange) -> Span) -> [Finding] {
        let candidates = Self.customerNames(reply)
        guard !candidates.isEmpty else { return [] }
        let firstLine = ns.lineRange(for: NSRange(location: 0, length: 0))
        guard let m = greeting.firstMatch(in: reply.authored, range: firstLine) else { return [] }
        var r = m.range(at: 1)
        var name = ns.substring(with: r)
        // "Dear Mr. Smith": judge the surname.
        let parts = name.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if parts.count == 2 {
            let title = parts[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            if lexicon.titles.contains(title) {
                let surname = String(parts[1])
                r = NSRange(location: r.location + (name as NSString).range(of: surname).location, length: (surname as NSString).length)
                name = surname
            } else { return [] }  // "Hi there Linda" and the like: too loose to judge
        }
        let lower = name.lowercased()
        guard let first = name.first, first.isUppercase, !lexicon.notNames.contains(lower), lower.count >= 2 else { return [] }
        let matches = candidates.contains { c in
            c == lower || (lower.count >= 3 && (c.hasPrefix(lower) || lower.hasPrefix(c))) || (c.count >= 6 && lower.count >= 3 && c.contains(lower))
        }
        guard !matches else { return [] }
        let display = reply.question?.customerName ?? reply.recipients.first ?? "the customer"
        let suggestion = candidates.first.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return [Finding(category: .greeting, rule: "wrong-name", severity: .error, span: span(r),
                        message: "The greeting names “\(name)”, but the customer is \(display).", suggestion: suggestion)]
    }

    /// Lower-cased names the customer may be greeted by: display name parts, address and handle
    /// parts, and the name they signed their message with.
    static func customerNames(_ reply: Reply) -> [String] {
        var raw: [String] = []
        if let n = reply.question?.customerName { raw.append(n) }
        if let a = reply.question?.customerAddress { raw.append(String(a.split(separator: "@").first ?? "")) }
        if reply.question?.customerName == nil, let r = reply.recipients.first {
            // "Linda Park <linda@example.com>": both the display name and the mailbox.
            raw.append(r)
        }
        if let q = reply.question?.text, let last = q.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let words = last.split(separator: " ")
            if words.count <= 3, words.allSatisfy({ $0.first?.isUppercase ?? false }) { raw.append(String(last)) }
        }
        var names: [String] = []
        for r in raw {
            for piece in r.split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" }) where piece.count >= 2 {
                let p = piece.lowercased()
                if !names.contains(p) && !["com", "org", "net", "example", "mail", "gmail", "the"].contains(p) { names.append(p) }
            }
        }
        return names
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

    static func ibanValid(_ iban: String) -> Bool {
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

/// Regular expressions of the checks that are not language-specific.
enum Patterns {
    static let card = try! NSRegularExpression(pattern: #"(?<![\d.,])\d(?:[ -]?\d){12,18}(?![\d])"#)
    static let iban = try! NSRegularExpression(pattern: #"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"#)
    static let ssn = try! NSRegularExpression(pattern: #"(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])"#)
    static let mention = try! NSRegularExpression(pattern: #"(?<![\w.@/])@[A-Za-z][\w.\-]{1,30}\b(?!\.[a-z]{2,}\b)(?!@)"#)
    static let placeholder = try! NSRegularExpression(pattern:
        #"\{\{[^{}\n]{1,40}\}\}|\{[A-Za-z_][A-Za-z_ ]{1,30}\}|\[(?:[A-Z][A-Za-z]*|[A-Z_]{2,})(?:[ _][A-Za-z]+){0,3}\]|<[A-Z][A-Z_ ]{2,30}>|%[A-Za-z_]{2,30}%|\$\{?[A-Z][A-Z_]{2,}\}?|\b[Xx]{3,}\b"#)
    static let apiKeys: [NSRegularExpression] = [
        #"\b(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b"#,
        #"\bAKIA[0-9A-Z]{16}\b"#,
        #"\bgh[pousr]_[A-Za-z0-9]{36,}\b"#,
        #"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"#,
        #"\bAIza[0-9A-Za-z_\-]{35}\b"#,
        #"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b"#,
        #"(?i)\b(?:api[ _-]?key|access[ _-]?token|secret[ _-]?key|auth[ _-]?token|bearer)\b\s*(?:is|:|=)?\s*["']?([A-Za-z0-9_\-]{20,})"#,
    ].map { try! NSRegularExpression(pattern: $0) }
}
