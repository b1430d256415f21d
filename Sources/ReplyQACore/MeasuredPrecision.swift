import Foundation

/// How often a rule's findings were right on real support replies, as `replyqa-eval findings`
/// measured it against hand labels (`Dictionaries/measured-precision.yml`).
public struct MeasuredPrecision: Codable, Sendable, Equatable {
    /// Findings judged right, of those labelled.
    public var right: Int
    public var labelled: Int
    /// Distinct findings the rule made on the measured batch.
    public var findings: Int
    public init(right: Int, labelled: Int, findings: Int) { self.right = right; self.labelled = labelled; self.findings = findings }

    /// "5 of 6 labelled findings right (0.83)", or that it found nothing.
    public var summary: String {
        guard labelled > 0 else { return findings == 0 ? "no finding on the measured batch" : "\(findings) findings, none labelled yet" }
        return String(format: "%d of %d labelled findings right (%.2f)", right, labelled, Double(right) / Double(labelled))
    }

    /// The measured figures by rule id; empty when the file is missing.
    public static func load(locator: DictionaryLocator) throws -> [String: MeasuredPrecision] {
        guard let url = locator.file("measured-precision.yml") else { return [:] }
        return try DataFile.decode([String: MeasuredPrecision].self, from: String(contentsOf: url, encoding: .utf8), file: url.path)
    }
}
