import ReplyQACore

extension SafetyChecker {
    /// The context every example runs in: an email reply to Linda Park, with no attachment.
    public static func exampleReply(_ text: String) -> Reply {
        Reply(file: "example", messageID: nil, agent: "Maya Chen", channel: "email", date: nil, subject: nil,
              fromAddress: "maya@northwind.example", recipients: ["Linda Park <linda.park@example.com>"], authored: text,
              signature: nil, footer: nil, quoted: nil,
              question: CustomerQuestion(text: "Where is my order?\n\nThanks,\nLinda", source: .thread, customerName: "Linda Park",
                                         customerAddress: "linda.park@example.com"),
              attachments: [])
    }

    public var rules: [RuleDescription] {
        [
            RuleDescription(id: "card-number", category: .privacy, severity: .error,
                            summary: "A full payment card number (13-19 digits, Luhn-valid) echoed back; masked forms are fine.",
                            triggers: ["The card «4111 1111 1111 1111» was declined.", "Card «5500-0000-0000-0004» expired."],
                            passes: ["The card **** 1111 was declined.", "Order 4111 1111 1111 1112 shipped.", "Call 1-800-555-0100.", "Card XXXX-XXXX-XXXX-1111.",
                                     "Your order 4111 1111 1111 1111 shipped.", "Tracking number 4111-1111-1111-1111.",
                                     "Blog: https://web.archive.org/web/20200401234010/https://blog.zoom.us/response",
                                     "See web.archive.org/web/20200401234010/blog.zoom.us/a or mail 4111111111111111@example.com."]),
            RuleDescription(id: "iban", category: .privacy, severity: .error,
                            summary: "A full IBAN (checksum-valid) in the reply.",
                            triggers: ["We refunded «DE89 3704 0044 0532 0130 00»."],
                            passes: ["We refunded the account ending 3000.", "Reference DE12 3456 7890 1234 5678 90.",
                                     "See https://example.com/DE89370400440532013000/form."]),
            RuleDescription(id: "ssn", category: .privacy, severity: .error,
                            summary: "A US Social Security number in the reply.",
                            triggers: ["Your SSN «123-45-6789» is on file."],
                            passes: ["Call 555-123-4567.", "Ticket 000-12-3456 is open.", "Case 123-45-6789 is open.",
                                     "See https://example.com/docs/123-45-6789."]),
            RuleDescription(id: "password-in-clear", category: .privacy, severity: .error,
                            summary: "A password or code written out (\"your password is ...\").",
                            triggers: ["Your new password is «Tr4il-2026», please change it.", "Temporary password: «x8Kq2mZ»"],
                            passes: ["Your password is case-sensitive.", "Your password was reset; use the link to choose a new one.",
                                     "Can't receive your verification code: https://support.google.com/accounts/answer/185834?hl=en"]),
            RuleDescription(id: "api-key", category: .privacy, severity: .error,
                            summary: "An API key or access token (Stripe, AWS, GitHub, Slack, Google, JWT, or after \"api key:\").",
                            triggers: ["Use «sk_live_4eC39HqLyjWDarjtT1zdp7dc» in the app.", "API key: «a1b2c3d4e5f6g7h8i9j0k1l2»"],
                            passes: ["Create an API key in your settings.", "The token expired; sign in again.",
                                     "See https://example.com/docs?api_key=a1b2c3d4e5f6g7h8i9j0k1l2"]),
            RuleDescription(id: "internal-note", category: .privacy, severity: .error,
                            summary: "A line meant for colleagues: internal:, note to self, do not send, TODO...",
                            triggers: ["Hi Linda,\n«Internal: customer is a chargeback risk»\nYour order shipped.", "«TODO check the refund»"],
                            passes: ["Hi Linda,\nYour order shipped.", "We'll note it internally. It is all done."]),
            RuleDescription(id: "colleague-mention", category: .privacy, severity: .warning,
                            summary: "An @-mention in a reply on a channel without @handles (meant for a colleague).",
                            triggers: ["«@sam» can you refund this?"],
                            passes: ["Write to help@northwind.example.", "Thanks, Linda."]),
            RuleDescription(id: "template-placeholder", category: .privacy, severity: .error,
                            summary: "An unfilled template field: {{first_name}}, [Customer Name], <NAME>, %NAME%, XXX...",
                            triggers: ["Hi «{{first_name}}»,", "Dear «[Customer Name]»,", "Hi «<NAME>»,", "Order «%ORDER%» shipped.", "It arrives on «XXX»."],
                            passes: ["Hi Linda,", "Use the code [sic] as shown.", "Card XXXX-XXXX-XXXX-1111 was charged.", "It costs $10."]),
            RuleDescription(id: "attachment-missing", category: .privacy, severity: .error,
                            summary: "\"Please find attached\" and the like, with no attachment on the message.",
                            triggers: ["«Please find attached» the label.", "«I've attached» the receipt.", "«See the attachment» for details."],
                            passes: ["The device attached to your account is an iPhone.", "I will send the label tomorrow."]),
            RuleDescription(id: "wrong-name", category: .greeting, severity: .error,
                            summary: "The greeting names somebody other than the customer.",
                            triggers: ["Hi «Karen»,\nYour order shipped.", "Dear Mr. «Smith»,"],
                            passes: ["Hi Linda,\nYour order shipped.", "Dear Ms. Park,", "Hi there,", "Hello again Linda,"]),
            RuleDescription(id: "empty-reply", category: .privacy, severity: .error,
                            summary: "Nothing written by the agent: an empty reply, or only a signature or quoted text.",
                            triggers: ["«»"], passes: ["Thanks, Linda."]),
        ]
    }
}
