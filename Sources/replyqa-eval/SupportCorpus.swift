import Foundation

/// One conversation of support-conversations-dev.json: customer turns and the agent's final reply.
struct SupportConversation: Decodable {
    struct Turn: Decodable {
        var message: String
        var agent: String?
    }
    struct Agent: Decodable { var url_utterance: String }
    struct Header: Decodable { var company: String }
    var agentURL: Agent
    var dialogContent: [Turn]
    var dialogHeader: Header

    static func load(_ path: String) throws -> [SupportConversation] {
        try JSONDecoder().decode([SupportConversation].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The customer's turns, one text.
    var customerText: String { dialogContent.filter { $0.agent == nil }.map(\.message).joined(separator: "\n") }
    var reply: String { agentURL.url_utterance }
}
