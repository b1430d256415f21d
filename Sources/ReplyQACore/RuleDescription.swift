/// What `replyqa rules` and `replyqa explain` show about a rule; the examples double as tests.
///
/// The description is the only place a rule's facts are written: findings are made from it
/// (`finding(span:message:suggestion:)`), the scorecard's default auto-fail list and the masking of
/// customer data in every output are read from it.
public struct RuleDescription: Sendable, Codable, Equatable {
    public var id: String
    public var category: Category
    public var severity: Severity
    public var summary: String
    /// Texts that must trigger the rule; «guillemets» mark the exact span of each finding.
    public var triggers: [String]
    /// Texts that must not trigger it.
    public var passes: [String]
    /// The text a finding points at is customer data (a card number, a password): every output masks it.
    public var sensitive: Bool
    /// A finding fails the whole reply (overall score 0) unless the scorecard's `auto_fail` says otherwise.
    public var autoFail: Bool

    public init(id: String, category: Category, severity: Severity, summary: String, triggers: [String], passes: [String],
                sensitive: Bool = false, autoFail: Bool = false) {
        self.id = id; self.category = category; self.severity = severity; self.summary = summary
        self.triggers = triggers; self.passes = passes; self.sensitive = sensitive; self.autoFail = autoFail
    }

    enum CodingKeys: String, CodingKey { case id, category, severity, summary, triggers, passes, sensitive, autoFail = "auto_fail" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), category: try c.decode(Category.self, forKey: .category),
                  severity: try c.decode(Severity.self, forKey: .severity), summary: try c.decode(String.self, forKey: .summary),
                  triggers: try c.decodeIfPresent([String].self, forKey: .triggers) ?? [],
                  passes: try c.decodeIfPresent([String].self, forKey: .passes) ?? [],
                  sensitive: try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false,
                  autoFail: try c.decodeIfPresent(Bool.self, forKey: .autoFail) ?? false)
    }

    /// A finding of this rule: its category, id, severity and sensitivity, at `span`. `severity` is for a
    /// rule whose configuration sets it (per channel, say); nil keeps the rule's own.
    public func finding(span: Span, message: String, suggestion: String? = nil, severity: Severity? = nil) -> Finding {
        Finding(category: category, rule: id, severity: severity ?? self.severity, span: span, message: message,
                suggestion: suggestion, sensitive: sensitive)
    }

    /// Splits an example into plain text and the spans its «markers» enclose.
    public static func parseExample(_ example: String) -> (text: String, spans: [Span]) {
        var text = String.UnicodeScalarView()
        var spans: [Span] = []
        var open: Int? = nil
        for s in example.unicodeScalars {
            if s == "«" { open = text.count; continue }
            if s == "»", let o = open { spans.append(Span(start: o, end: text.count)); open = nil; continue }
            text.append(s)
        }
        return (String(text), spans)
    }
}

extension Sequence where Element == RuleDescription {
    /// The ids of the rules that fail a reply by default, in rule order.
    public var autoFailing: [String] { filter(\.autoFail).map(\.id) }
}
