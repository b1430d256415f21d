import Foundation
import MailIngest
import ReplyPipeline
import ReplyQACore

/// How a linted reply is written out: `replyqa lint --format` and `replyqa serve`'s `?format=`.
public enum LintOutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif
}

/// Why some bytes cannot be linted as one reply (an mbox, an export, binary data, unparsable MIME).
public struct LintInputError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// One linted reply: the record after the team's reviews, how many findings they left out, and
/// the body its positions refer to.
public struct LintResult: Sendable {
    public var record: ReplyRecord
    public var disputed: Int
    public var body: String

    /// Whether a finding reaches `severity`: `replyqa lint` then exits 1.
    public func fails(at severity: Severity) -> Bool {
        record.findings.contains { $0.severity >= severity }
    }
}

/// The lint path `replyqa lint` and `replyqa serve` share: a configuration, its checkers, rules and
/// dictionaries loaded once, then any number of replies read, checked and written out the same way.
public struct LintEngine: Sendable {
    public let config: Configuration
    public let checkers: CheckerRegistry
    /// The version SARIF names as the tool's.
    public let version: String
    let processor: BatchProcessor
    /// The team's reviews (`reviews:` in replyqa.yml), applied to every record; they live with the
    /// history, which this target does not depend on.
    let review: @Sendable (ReplyRecord) -> (ReplyRecord, Int)

    public init(config: Configuration, checkers: CheckerRegistry, version: String,
                review: @escaping @Sendable (ReplyRecord) -> (ReplyRecord, Int) = { ($0, 0) }) {
        self.config = config
        self.checkers = checkers
        self.version = version
        self.review = review
        processor = BatchProcessor(config: config, checkers: checkers)
    }

    /// One message from the bytes of a MIME message, an HTML fragment or plain text; anything that
    /// is not one reply is refused with the reason, as `check` reports it. `path` is the file the
    /// bytes came from, when there is one (its extension can tell an mbox file).
    public func message(from bytes: [UInt8], name: String, path: String? = nil) throws(LintInputError) -> MailMessage {
        if let why = InputDiscovery.refusalAsOneReply(bytes, path: path) { throw LintInputError(why) }
        do { return try LooseInput.read(bytes, name: name, limits: config.limits).0 } catch { throw LintInputError(error.reason) }
    }

    /// Checks one reply; the customer's message is `question` when given, else what the reply quotes.
    public func lint(_ message: MailMessage, question: MailMessage? = nil, agent: String? = nil, channel: String? = nil) -> LintResult {
        // The tone and relevance checkers keep their last analysis under a key of the reply's file,
        // Message-ID, length and first 40 characters. A service checks one reply after another
        // under the same name, and two drafts can share all of that (the same macro, one fixed
        // typo): a Message-ID of this call's own keeps one reply's analysis from being another's.
        var checked = message
        checked.messageID = (message.messageID ?? "") + "\u{1F}" + UUID().uuidString
        var linted = processor.lint(checked, question: question, agent: agent, channel: channel)
        linted.reply.messageID = message.messageID
        // The team's disputes hold here too: a disputed pattern is not reported.
        let (record, disputed) = review(linted)
        return LintResult(record: record, disputed: disputed, body: message.body)
    }

    /// The output of `replyqa lint --format FORMAT`, final newline included. `name` is what text
    /// diagnostics call the reply, `uri` the SARIF artifact.
    public func render(_ result: LintResult, format: LintOutputFormat, name: String, uri: String, color: Bool = false) throws -> String {
        switch format {
        case .text:
            let record = result.record
            let counts = Severity.allCases.reversed().map { s in "\(record.findings.filter { $0.severity == s }.count) \(s.rawValue)" }
            let disputed = result.disputed
            return Diagnostics.render(record, body: result.body, name: name, color: color)
                + counts.joined(separator: ", ") + (record.score.map { "; score \($0.overall)/100" } ?? "")
                + (disputed > 0
                    ? "; \(disputed) disputed finding\(disputed == 1 ? "" : "s") left out (reviews: \(config.reviews ?? ""))" : "")
                + "\n"
        case .json:
            return try BatchDocument(replies: [result.record], includeFindings: true).json() + "\n"
        case .sarif:
            return try Sarif.document(result.record, body: result.body, uri: uri, rules: checkers.rules, version: version) + "\n"
        }
    }
}
