import ReplyQACore

extension SafetyChecker {
    /// The safety rules, in the order `replyqa rules` lists them. A new rule is one file in
    /// `Rules/` and one line here.
    static let ruleTypes: [any SafetyRule.Type] = [
        CardNumber.self, IBAN.self, SSN.self, PasswordInClear.self, APIKey.self, TemplatePlaceholder.self, InternalNote.self,
        ColleagueMention.self, AttachmentMissing.self, WrongName.self, EmptyReply.self,
    ]

    /// The context every example runs in: an email reply to Linda Park, with no attachment.
    public static func exampleReply(_ text: String) -> Reply {
        Reply(file: "example", messageID: nil, agent: "Maya Chen", channel: "email", date: nil, subject: nil,
              fromAddress: "maya@northwind.example", recipients: ["Linda Park <linda.park@example.com>"], authored: text,
              signature: nil, footer: nil, quoted: nil,
              question: CustomerQuestion(text: "Where is my order?\n\nThanks,\nLinda", source: .thread, customerName: "Linda Park",
                                         customerAddress: "linda.park@example.com"),
              attachments: [])
    }
}
