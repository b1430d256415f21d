/// What `replyqa rules` and `replyqa explain` show about a rule; the examples double as tests.
public struct RuleDescription: Sendable, Codable, Equatable {
    public var id: String
    public var category: Category
    public var severity: Severity
    public var summary: String
    /// Texts that must trigger the rule; «guillemets» mark the exact span of each finding.
    public var triggers: [String]
    /// Texts that must not trigger it.
    public var passes: [String]

    public init(id: String, category: Category, severity: Severity, summary: String, triggers: [String], passes: [String]) {
        self.id = id; self.category = category; self.severity = severity; self.summary = summary
        self.triggers = triggers; self.passes = passes
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
