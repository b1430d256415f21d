/// A rule's example, read from the one format every rule's examples share: optional front matter in
/// square brackets, then the reply text with «guillemets» around each span a finding must cover.
///
/// Front matter: `[social]` names the channel; `[channel: chat | macro: password-reset | question:
/// Where is my order?]` sets any of channel, the customer's message and the approved macro the reply
/// was built from. Without it an example is an email reply from Maya Chen to Linda Park, whose tent
/// pole snapped (`RuleExample.defaultQuestion`).
public struct RuleExample: Sendable, Equatable {
    public var text: String
    /// The spans the «markers» enclose, in scalar offsets of `text`.
    public var spans: [Span]
    public var channel: String
    public var question: String
    public var macro: String?

    /// The customer's message of an example that names none.
    public static let defaultQuestion =
        "My new Ridgeline tent pole snapped on the first trip and I'm really upset. Can I get a replacement?"
    /// Keys the front matter may set.
    public static let keys: Set<String> = ["channel", "question", "macro"]

    /// Reads an example; nil with the reason when its front matter names an unknown key.
    public static func parse(_ example: String) -> Result<RuleExample, RuleExampleError> {
        var body = Substring(example), fields: [String: String] = [:]
        if body.hasPrefix("["), let close = body.firstIndex(of: "]") {
            let header = body[body.index(after: body.startIndex)..<close]
            body = body[body.index(after: close)...].drop { $0 == " " }
            if !header.contains(":") {
                fields["channel"] = String(header)
            } else {
                for part in header.split(separator: "|") {
                    let pair = part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2, keys.contains(pair[0]) else {
                        return .failure(RuleExampleError(example: example,
                            reason: "front matter “\(part.trimmingCharacters(in: .whitespaces))” is not one of " +
                                "\(keys.sorted().joined(separator: ", ")) followed by “:”"))
                    }
                    fields[pair[0]] = pair[1]
                }
            }
        }
        let (text, spans) = RuleDescription.parseExample(String(body))
        return .success(RuleExample(text: text, spans: spans, channel: fields["channel"] ?? "email",
                                    question: fields["question"] ?? defaultQuestion, macro: fields["macro"]))
    }

    /// The reply the example describes.
    public var reply: Reply {
        Reply(file: "example", messageID: nil, agent: "Maya Chen", channel: channel, date: nil, subject: nil,
              fromAddress: "maya@northwind.example", recipients: ["Linda Park <linda.park@example.com>"], authored: text,
              signature: nil, footer: nil, quoted: nil,
              question: CustomerQuestion(text: question, source: .thread, customerName: "Linda Park",
                                         customerAddress: "linda.park@example.com"),
              attachments: [])
    }

    /// What the batch knows of the example: the macro it was built from, if any.
    public var batch: BatchContext {
        var batch = BatchContext()
        if let macro { batch[CannedReplies.self][reply] = CannedReply(count: 1, agents: ["Maya Chen"], macro: macro) }
        return batch
    }
}

/// An example whose front matter cannot be read.
public struct RuleExampleError: Error, Sendable, Equatable {
    public var example: String
    public var reason: String
}
