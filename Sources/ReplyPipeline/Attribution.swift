import Foundation
import MailIngest
import ReplyQACore

/// Decides who wrote a message (agent or customer), which agent, and which channel.
public struct Attribution: Sendable {
    public var config: Configuration
    /// Support domains inferred from the batch when the configuration names none.
    public var inferredSupportDomains: Set<String>

    public init(config: Configuration, inferredSupportDomains: Set<String> = []) {
        self.config = config
        self.inferredSupportDomains = inferredSupportDomains
    }

    /// True when the configuration says anything about who the agents are.
    public var isConfigured: Bool { !config.agentAddresses.isEmpty || !config.supportDomains.isEmpty }

    /// Whether a message was written by an agent (scored) rather than a customer (context only).
    public func isAgentMessage(_ m: MailMessage) -> Bool {
        // A helpdesk export names each author's role; no address rule overrides it.
        if let role = m.header(HelpdeskReader.roleHeader) { return role == "agent" }
        let address = m.from?.address.lowercased() ?? ""
        if config.agentAddresses[address] != nil { return true }
        if let v = m.header(config.agentHeader), !v.isEmpty { return true }
        let domain = m.from?.domain ?? ""
        let domains = config.supportDomains.isEmpty ? inferredSupportDomains : Set(config.supportDomains)
        return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }

    /// The agent's name: the configured address mapping, then the agent header, then the From name.
    public func agent(of m: MailMessage) -> String {
        if let name = config.agentAddresses[m.from?.address.lowercased() ?? ""] { return name }
        if let v = m.header(config.agentHeader)?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
        if let name = m.from?.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty { return name }
        return m.from?.address ?? "unknown"
    }

    /// For a helpdesk message: `helpdesk.channels`' name for its channel, else the first matching
    /// channel rule, else its own channel. For mail: the first matching rule, else the default channel.
    public func channel(of m: MailMessage) -> String {
        guard let source = m.header(HelpdeskReader.channelHeader) else { return ruledChannel(of: m) ?? config.defaultChannel }
        return config.helpdesk.channels[source] ?? ruledChannel(of: m) ?? source
    }

    func ruledChannel(of m: MailMessage) -> String? {
        let addresses = Set(([m.from].compactMap { $0 } + m.to + m.cc).map { $0.address.lowercased() }
            + [m.header("delivered-to"), m.header("x-original-to")].compactMap { $0?.lowercased() })
        // Maildir++ subfolders are named ".Folder"; match them without the dot.
        let folders = Set(m.path.split(separator: "/").dropLast().map { $0.lowercased().drop(while: { $0 == "." }) }.map(String.init))
        for rule in config.channels {
            if let header = rule.header {
                guard let value = m.header(header) else { continue }
                if let want = rule.equals, want.lowercased() != value.lowercased() { continue }
                return rule.channel ?? value.lowercased()
            }
            if let address = rule.address, addresses.contains(address.lowercased()) { return rule.channel ?? config.defaultChannel }
            if let folder = rule.folder, folders.contains(folder.lowercased()) { return rule.channel ?? folder.lowercased() }
            if let label = rule.label, m.gmailLabels.contains(where: { GmailLabels.label($0, isOrIsUnder: label) }) {
                return rule.channel ?? label.lowercased()
            }
        }
        return nil
    }

    /// Without configuration, the support domain is the one whose messages answer messages from
    /// the most distinct outside addresses: agents answer many customers, a customer answers few agents.
    public static func inferSupportDomains(_ messages: [MailMessage]) -> Set<String> {
        var byID: [String: MailMessage] = [:]
        for m in messages { if let id = m.messageID { byID[id] = m } }
        var answered: [String: Set<String>] = [:]
        for m in messages {
            guard let domain = m.from?.domain, let parentID = m.inReplyTo ?? m.references.last,
                  let parent = byID[parentID], let parentAddress = parent.from?.address.lowercased(),
                  parent.from?.domain != domain else { continue }
            answered[domain, default: []].insert(parentAddress)
        }
        guard let best = answered.values.map(\.count).max(), best >= 2 else { return [] }
        return Set(answered.filter { $0.value.count == best }.map(\.key))
    }
}
