/// How serious a finding is; `lint --fail-on` compares against it.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, warning, error

    private var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A rubric category from the design (each finding belongs to exactly one).
public enum Category: String, Codable, Sendable, CaseIterable {
    case spelling, grammar, empathy, ownership, patience, politeness, listening
    case relevance, clarity, toneFit = "tone-fit", positivity, greeting, closing, privacy
}

/// A half-open range of Unicode-scalar offsets into a reply's authored text.
public struct Span: Codable, Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = end }
    public var length: Int { end - start }
}

/// One problem (or piece of evidence) a checker found in a reply.
public struct Finding: Codable, Hashable, Sendable {
    public var category: Category
    public var rule: String
    public var severity: Severity
    public var span: Span
    public var message: String
    public var suggestion: String?
    /// The text the finding points at is customer data, masked in every output (from the rule's
    /// description; not written out).
    public var sensitive = false

    enum CodingKeys: String, CodingKey { case category, rule, severity, span, message, suggestion }

    public init(category: Category, rule: String, severity: Severity, span: Span,
                message: String, suggestion: String? = nil, sensitive: Bool = false) {
        self.category = category; self.rule = rule; self.severity = severity
        self.span = span; self.message = message; self.suggestion = suggestion; self.sensitive = sensitive
    }
}

extension String {
    /// The text covered by a scalar-offset span (clamped to the string).
    ///
    /// Long texts convert through a cached offset table, so a finding deep in a long reply costs
    /// no walk from the start of the text.
    public func text(at span: Span) -> String {
        if let table = ScalarOffsets.cached(self) { return table.text(at: span) }
        let scalars = unicodeScalars
        var a = scalars.startIndex
        let lo = max(0, span.start), hi = max(lo, span.end)
        // Short texts: walk, stopping at the end rather than counting the whole string first.
        guard scalars.formIndex(&a, offsetBy: lo, limitedBy: scalars.endIndex) else { return "" }
        var b = a
        if !scalars.formIndex(&b, offsetBy: hi - lo, limitedBy: scalars.endIndex) { b = scalars.endIndex }
        return String(scalars[a..<b])
    }

    /// The scalar-offset span of a range of this string.
    public func span(of range: Range<String.Index>) -> Span {
        if let table = ScalarOffsets.cached(self) { return table.span(of: range) }
        let start = unicodeScalars.distance(from: unicodeScalars.startIndex, to: range.lowerBound)
        return Span(start: start, end: start + unicodeScalars.distance(from: range.lowerBound, to: range.upperBound))
    }
}
