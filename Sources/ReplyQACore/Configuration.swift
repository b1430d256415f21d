import Foundation
import Yams

/// A rule that assigns a channel to a message; the first matching rule wins.
public struct ChannelRule: Codable, Hashable, Sendable {
    /// The channel name this rule assigns; for a header rule without one, the header's value.
    public var channel: String?
    /// Match when this header is present (and equals `equals`, if given; case-insensitive).
    public var header: String?
    public var equals: String?
    /// Match when this address is among the recipients or senders (e.g. a channel's mailbox).
    public var address: String?
    /// Match when the input's path contains a folder of this name.
    public var folder: String?
    /// Match when the message carries this Gmail label (`X-Gmail-Labels`, as in a Takeout mbox), or
    /// one nested under it ("Support" matches "Support/Billing"); case-insensitive.
    public var label: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case channel, header, equals, address, folder, label }

    public init(channel: String?, header: String? = nil, equals: String? = nil,
                address: String? = nil, folder: String? = nil, label: String? = nil) {
        self.channel = channel; self.header = header; self.equals = equals
        self.address = address; self.folder = folder; self.label = label
    }
}

/// Input limits that keep hostile or broken mail from exhausting the machine.
public struct Limits: Codable, Hashable, Sendable {
    public var maxMessageBytes: Int = 25 * 1024 * 1024
    public var maxMimeDepth: Int = 20
    public var maxHTMLBytes: Int = 5 * 1024 * 1024
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxMessageBytes = "max_message_bytes", maxMimeDepth = "max_mime_depth"
        case maxHTMLBytes = "max_html_bytes"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? maxMessageBytes
        maxMimeDepth = try c.decodeIfPresent(Int.self, forKey: .maxMimeDepth) ?? maxMimeDepth
        maxHTMLBytes = try c.decodeIfPresent(Int.self, forKey: .maxHTMLBytes) ?? maxHTMLBytes
    }
}

/// Spelling settings: languages, custom words, what counts as a word.
public struct SpellingOptions: Codable, Hashable, Sendable {
    /// The Hunspell dictionary used when nothing else decides (e.g. `en_US`).
    public var language = "en_US"
    /// Per-channel and per-agent languages; an agent's setting wins over the channel's.
    public var channelLanguages: [String: String] = [:]
    public var agentLanguages: [String: String] = [:]
    /// Detect each reply's language among the installed dictionaries of `languages`.
    public var detectLanguage = true
    public var languages = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES"]
    /// Extra words every dictionary accepts.
    public var words: [String] = []
    /// Spelling variants also accepted for an English reply (e.g. "cancelled" with en_US), when installed.
    public var alsoAccept: [String] = []
    /// English replies also accept the other main variant (en_US and en_GB spellings).
    public var acceptEnglishVariants = true
    /// Skip ALL-CAPS words (acronyms, shouting).
    public var skipAllCaps = true
    /// Skip unknown capitalized words inside a sentence (names, brands); a sentence's first word is still checked.
    public var skipCapitalized = true
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case language, channelLanguages = "channels", agentLanguages = "agents", detectLanguage = "detect_language"
        case languages, words, alsoAccept = "also_accept", acceptEnglishVariants = "accept_english_variants"
        case skipAllCaps = "skip_all_caps", skipCapitalized = "skip_capitalized"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        language = try c.decodeIfPresent(String.self, forKey: .language) ?? language
        channelLanguages = try c.decodeIfPresent([String: String].self, forKey: .channelLanguages) ?? [:]
        agentLanguages = try c.decodeIfPresent([String: String].self, forKey: .agentLanguages) ?? [:]
        detectLanguage = try c.decodeIfPresent(Bool.self, forKey: .detectLanguage) ?? detectLanguage
        languages = try c.decodeIfPresent([String].self, forKey: .languages) ?? languages
        words = try c.decodeIfPresent([String].self, forKey: .words) ?? []
        alsoAccept = try c.decodeIfPresent([String].self, forKey: .alsoAccept) ?? alsoAccept
        acceptEnglishVariants = try c.decodeIfPresent(Bool.self, forKey: .acceptEnglishVariants) ?? acceptEnglishVariants
        skipAllCaps = try c.decodeIfPresent(Bool.self, forKey: .skipAllCaps) ?? skipAllCaps
        skipCapitalized = try c.decodeIfPresent(Bool.self, forKey: .skipCapitalized) ?? skipCapitalized
    }
}

/// How findings become 0-100 scores: weights per category, penalty per severity, auto-fail rules.
public struct ScorecardOptions: Codable, Hashable, Sendable {
    /// Category weights for the overall score (categories not listed weigh 1).
    public var weights: [String: Double] = [:]
    /// Points a finding costs its category, by severity.
    public var penalties: [String: Double] = ["error": 30, "warning": 10, "info": 3]
    /// Rules whose finding fails the whole reply (overall score 0); nil: the rules that say so of
    /// themselves (`RuleDescription.autoFail`).
    public var autoFail: [String]?
    /// Groups with fewer replies are shown as "too few replies to judge".
    public var minimumSample = 5
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case weights, penalties, autoFail = "auto_fail", minimumSample = "min_sample" }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        weights = try c.decodeIfPresent([String: Double].self, forKey: .weights) ?? [:]
        penalties = penalties.merging(try c.decodeIfPresent([String: Double].self, forKey: .penalties) ?? [:]) { $1 }
        autoFail = try c.decodeIfPresent([String].self, forKey: .autoFail)
        minimumSample = try c.decodeIfPresent(Int.self, forKey: .minimumSample) ?? minimumSample
        if minimumSample < 1 { throw DecodingError.dataCorruptedError(forKey: .minimumSample, in: c,
                                                                      debugDescription: "min_sample must be at least 1") }
        // A score is 0-100: a negative, infinite or NaN weight or penalty would push it outside.
        if !weights.values.allSatisfy(Self.allowed.contains) {
            throw DecodingError.dataCorruptedError(forKey: .weights, in: c, debugDescription: "weights must be numbers from 0 to 100")
        }
        if !penalties.values.allSatisfy(Self.allowed.contains) {
            throw DecodingError.dataCorruptedError(forKey: .penalties, in: c, debugDescription: "penalties must be numbers from 0 to 100")
        }
    }

    /// The range of every weight and penalty.
    public static let allowed: ClosedRange<Double> = 0...100
}

/// What a channel expects of a reply's tone: emoji, formality, a greeting and a closing.
public struct ChannelPolicy: Codable, Hashable, Sendable {
    public enum Emoji: String, Codable, Sendable, CaseIterable { case allowed, forbidden }
    public enum Formality: String, Codable, Sendable, CaseIterable { case formal, neutral, casual }
    public enum Expectation: String, Codable, Sendable, CaseIterable { case required, optional }
    public var emoji: Emoji?
    public var formality: Formality?
    public var greeting: Expectation?
    public var closing: Expectation?

    enum CodingKeys: String, CodingKey, CaseIterable { case emoji, formality, greeting, closing }

    public init(emoji: Emoji? = nil, formality: Formality? = nil, greeting: Expectation? = nil, closing: Expectation? = nil) {
        self.emoji = emoji; self.formality = formality; self.greeting = greeting; self.closing = closing
    }
    /// This policy's settings, with `other`'s where this one is silent.
    public func over(_ other: ChannelPolicy) -> ChannelPolicy {
        ChannelPolicy(emoji: emoji ?? other.emoji, formality: formality ?? other.formality,
                      greeting: greeting ?? other.greeting, closing: closing ?? other.closing)
    }
}

/// Tone settings: each channel is scored against its own policy.
public struct ToneOptions: Codable, Hashable, Sendable {
    /// The policy of channels not listed in `channels`.
    public var defaultPolicy = ChannelPolicy(emoji: .forbidden, formality: .neutral, greeting: .required, closing: .required)
    public var channels: [String: ChannelPolicy] = [
        "social": ChannelPolicy(emoji: .allowed, formality: .casual, greeting: .optional, closing: .optional),
        "chat": ChannelPolicy(emoji: .forbidden, formality: .casual, greeting: .required, closing: .required),
    ]
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case defaultPolicy = "default", channels }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultPolicy = (try c.decodeIfPresent(ChannelPolicy.self, forKey: .defaultPolicy) ?? ChannelPolicy()).over(defaultPolicy)
        // Listed channels replace the built-in ones setting by setting.
        for (name, policy) in try c.decodeIfPresent([String: ChannelPolicy].self, forKey: .channels) ?? [:] {
            channels[name] = policy.over(channels[name] ?? ChannelPolicy())
        }
    }

    /// The complete policy for a channel.
    public func policy(for channel: String) -> ChannelPolicy {
        (channels[channel] ?? channels[channel.lowercased()] ?? ChannelPolicy()).over(defaultPolicy)
    }
}

/// Relevance settings: whether meaning (sentence embeddings) is read, and how much a generic hand-off matters per channel.
public struct RelevanceOptions: Codable, Hashable, Sendable {
    /// Read meaning with the sentence-embedding model (off: word overlap only, faster, less exact).
    public var semantic = true
    /// Severity of `generic-reply` on channels not listed in `genericReplyChannels` (unless `severities` overrides it).
    public var genericReply: Severity = .info
    /// Per-channel severity of `generic-reply` (a team may require email replies to answer).
    public var genericReplyChannels: [String: Severity] = [:]

    enum CodingKeys: String, CodingKey, CaseIterable { case semantic, genericReply = "generic_reply" }
    enum GenericKeys: String, CodingKey, CaseIterable { case `default`, channels }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        semantic = try c.decodeIfPresent(Bool.self, forKey: .semantic) ?? true
        if c.contains(.genericReply), try !c.decodeNil(forKey: .genericReply) {
            let g = try c.nestedContainer(keyedBy: GenericKeys.self, forKey: .genericReply)
            genericReply = try g.decodeIfPresent(Severity.self, forKey: .default) ?? .info
            let channels = try g.decodeIfPresent([String: Severity].self, forKey: .channels) ?? [:]
            genericReplyChannels = Dictionary(channels.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(semantic, forKey: .semantic)
        var g = c.nestedContainer(keyedBy: GenericKeys.self, forKey: .genericReply)
        try g.encode(genericReply, forKey: .default)
        try g.encode(genericReplyChannels, forKey: .channels)
    }

    /// The severity of `generic-reply` on `channel`.
    public func genericReplySeverity(channel: String) -> Severity {
        genericReplyChannels[channel.lowercased()] ?? genericReply
    }
}

/// How helpdesk exports are read: channel names, bots, and the columns of a CSV export.
public struct HelpdeskOptions: Codable, Hashable, Sendable {
    /// The export's channel (Zendesk `via.channel`, Freshdesk `source`, ...) to the channel to use.
    public var channels: [String: String] = [:]
    /// Bot messages (Intercom's operator, Zendesk's answer bot): left out, or scored as replies.
    public var bots: BotPolicy = .skip
    /// Zendesk side conversations (an agent's threads with third parties): left out, or scored on their own channel.
    public var sideConversations: BotPolicy = .skip
    public var csv = CSVColumns()
    public enum BotPolicy: String, Codable, Hashable, Sendable, CaseIterable { case skip, score }
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case channels, bots, sideConversations = "side_conversations", csv }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        channels = Dictionary((try c.decodeIfPresent([String: String].self, forKey: .channels) ?? [:])
            .map { ($0.key.lowercased(), $0.value) },
                              uniquingKeysWith: { a, _ in a })
        bots = try c.decodeIfPresent(BotPolicy.self, forKey: .bots) ?? .skip
        sideConversations = try c.decodeIfPresent(BotPolicy.self, forKey: .sideConversations) ?? .skip
        csv = try c.decodeIfPresent(CSVColumns.self, forKey: .csv) ?? CSVColumns()
    }
}

/// The header names of a CSV export's columns, and which author roles are agents, notes and bots.
public struct CSVColumns: Codable, Hashable, Sendable {
    public var conversation = "conversation_id"
    public var role = "author_role"
    public var author = "author_name"
    public var time = "created_at"
    public var channel = "channel"
    public var body = "body"
    public var subject = "subject"
    public var agentRoles = ["agent", "admin", "staff"]
    public var noteRoles = ["note", "internal", "private"]
    public var botRoles = ["bot", "automation"]
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case conversation, role, author, time, channel, body, subject
        case agentRoles = "agent_roles", noteRoles = "note_roles", botRoles = "bot_roles"
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        conversation = try c.decodeIfPresent(String.self, forKey: .conversation) ?? conversation
        role = try c.decodeIfPresent(String.self, forKey: .role) ?? role
        author = try c.decodeIfPresent(String.self, forKey: .author) ?? author
        time = try c.decodeIfPresent(String.self, forKey: .time) ?? time
        channel = try c.decodeIfPresent(String.self, forKey: .channel) ?? channel
        body = try c.decodeIfPresent(String.self, forKey: .body) ?? body
        subject = try c.decodeIfPresent(String.self, forKey: .subject) ?? subject
        agentRoles = (try c.decodeIfPresent([String].self, forKey: .agentRoles) ?? agentRoles).map { $0.lowercased() }
        noteRoles = (try c.decodeIfPresent([String].self, forKey: .noteRoles) ?? noteRoles).map { $0.lowercased() }
        botRoles = (try c.decodeIfPresent([String].self, forKey: .botRoles) ?? botRoles).map { $0.lowercased() }
    }
}

/// The contents of `replyqa.yml`: who is an agent, which channel a message belongs to, limits.
public struct Configuration: Codable, Hashable, Sendable {
    /// Address (lower-cased) to agent name.
    public var agentAddresses: [String: String] = [:]
    /// A header whose value names the agent (checked after `agentAddresses`).
    public var agentHeader: String = "X-Agent"
    /// Sender domains whose messages are agent replies; customers' messages are context only.
    public var supportDomains: [String] = []
    public var channels: [ChannelRule] = []
    public var defaultChannel: String = "email"
    public var disabledRules: [String] = []
    /// Per-rule severity overrides (`rule-id: error|warning|info`).
    public var severities: [String: Severity] = [:]
    public var scorecard = ScorecardOptions()
    /// Channels where @handles are normal (social media); elsewhere an @mention is an internal leak.
    public var handleChannels = ["social", "twitter", "x", "instagram", "facebook"]
    public var limits = Limits()
    /// The `Dictionaries/` folder (word lists, lexicons, rule files); found automatically when nil.
    public var dictionaries: String?
    /// A folder of approved macros (one `.txt` file each), so replies can be named after them.
    public var templates: String?
    /// The team's reviews (a reviews.csv or .yml file, or a history file): its disputes hold in `check` and `lint`.
    public var reviews: String?
    public var spelling = SpellingOptions()
    public var tone = ToneOptions()
    public var relevance = RelevanceOptions()
    public var helpdesk = HelpdeskOptions()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case agents, channels, defaultChannel = "default_channel", disabledRules = "disabled_rules"
        case limits, supportDomains = "support_domains", dictionaries, templates, spelling, severities, scorecard
        case handleChannels = "handle_channels", tone, relevance, helpdesk, reviews
    }
    enum AgentKeys: String, CodingKey, CaseIterable { case header, addresses }

    /// With this user-info key set, `agents.addresses` is left to `agentAddresses(in:)`: the YAML
    /// decoder finds each key of a table by a linear search, so decoding a large table is quadratic.
    public static let addressesDecodedSeparately = CodingUserInfoKey(rawValue: "replyqa.addressesDecodedSeparately")!

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.agents), try !c.decodeNil(forKey: .agents) {
            let a = try c.nestedContainer(keyedBy: AgentKeys.self, forKey: .agents)
            agentHeader = try a.decodeIfPresent(String.self, forKey: .header) ?? agentHeader
            if decoder.userInfo[Self.addressesDecodedSeparately] as? Bool != true {
                let map = try a.decodeIfPresent([String: String].self, forKey: .addresses) ?? [:]
                agentAddresses = Dictionary(map.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            }
        }
        supportDomains = (try c.decodeIfPresent([String].self, forKey: .supportDomains) ?? []).map { $0.lowercased() }
        channels = try c.decodeIfPresent([ChannelRule].self, forKey: .channels) ?? []
        defaultChannel = try c.decodeIfPresent(String.self, forKey: .defaultChannel) ?? defaultChannel
        disabledRules = try c.decodeIfPresent([String].self, forKey: .disabledRules) ?? []
        limits = try c.decodeIfPresent(Limits.self, forKey: .limits) ?? Limits()
        dictionaries = try c.decodeIfPresent(String.self, forKey: .dictionaries)
        templates = try c.decodeIfPresent(String.self, forKey: .templates)
        reviews = try c.decodeIfPresent(String.self, forKey: .reviews)
        spelling = try c.decodeIfPresent(SpellingOptions.self, forKey: .spelling) ?? SpellingOptions()
        severities = try c.decodeIfPresent([String: Severity].self, forKey: .severities) ?? [:]
        scorecard = try c.decodeIfPresent(ScorecardOptions.self, forKey: .scorecard) ?? ScorecardOptions()
        // Channels are compared lower-cased (a header's value is lower-cased too).
        handleChannels = (try c.decodeIfPresent([String].self, forKey: .handleChannels) ?? handleChannels).map { $0.lowercased() }
        tone = try c.decodeIfPresent(ToneOptions.self, forKey: .tone) ?? ToneOptions()
        relevance = try c.decodeIfPresent(RelevanceOptions.self, forKey: .relevance) ?? RelevanceOptions()
        helpdesk = try c.decodeIfPresent(HelpdeskOptions.self, forKey: .helpdesk) ?? HelpdeskOptions()
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var a = c.nestedContainer(keyedBy: AgentKeys.self, forKey: .agents)
        try a.encode(agentHeader, forKey: .header)
        try a.encode(agentAddresses, forKey: .addresses)
        try c.encode(supportDomains, forKey: .supportDomains)
        try c.encode(channels, forKey: .channels)
        try c.encode(defaultChannel, forKey: .defaultChannel)
        try c.encode(disabledRules, forKey: .disabledRules)
        try c.encode(limits, forKey: .limits)
        try c.encodeIfPresent(dictionaries, forKey: .dictionaries)
        try c.encodeIfPresent(templates, forKey: .templates)
        try c.encodeIfPresent(reviews, forKey: .reviews)
        try c.encode(spelling, forKey: .spelling)
        try c.encode(severities, forKey: .severities)
        try c.encode(scorecard, forKey: .scorecard)
        try c.encode(handleChannels, forKey: .handleChannels)
        try c.encode(tone, forKey: .tone)
        try c.encode(relevance, forKey: .relevance)
        try c.encode(helpdesk, forKey: .helpdesk)
    }

    /// Parses and checks YAML text (see `ConfigurationFile.parse`); an empty document is the default configuration.
    public static func parse(yaml: String) throws(ConfigurationError) -> Configuration {
        try ConfigurationFile.parse(yaml: yaml).configuration
    }

    /// Loads and checks `path`, or `replyqa.yml` in the current directory when `path` is nil and it exists.
    public static func load(path: String?) throws(ConfigurationError) -> Configuration {
        try ConfigurationFile.load(path: path).configuration
    }
}

extension Configuration {
    /// `agents.addresses` of a checked file, in one pass over its pairs (lower-cased addresses; the
    /// last of two spellings of one address wins; `<<` merges come first, so the table's own pairs
    /// win over merged ones, as in the decoder).
    static func agentAddresses(in root: Node) -> [String: String] {
        func pairs(_ node: Node?) -> [(key: Node, value: Node)] {
            guard case .mapping(let mapping)? = node else { return [] }
            var merged: [(key: Node, value: Node)] = [], own: [(key: Node, value: Node)] = []
            for pair in mapping {
                guard pair.key.tag.description == Tag.Name.merge.rawValue else { own.append(pair); continue }
                if case .sequence(let s) = pair.value { for m in s.reversed() { merged += pairs(m) } } else { merged += pairs(pair.value) }
            }
            return merged + own
        }
        func value(_ key: String, in node: Node?) -> Node? { pairs(node).last { $0.key.string == key }?.value }
        var table: [String: String] = [:]
        for pair in pairs(value("addresses", in: value("agents", in: root))) {
            if let address = pair.key.string, case .scalar(let name) = pair.value { table[address.lowercased()] = name.string }
        }
        return table
    }

    /// Every key `replyqa.yml` accepts and the values each takes, section by section. Files are
    /// checked against it before they are decoded, so a mistyped key or value is an error naming
    /// its line rather than a setting silently ignored. Keep it in step with the `CodingKeys` above.
    public static let schema: ConfigShape = {
        let severity = ConfigShape.choice(Severity.allCases.reversed().map(\.rawValue))
        let policy = ConfigShape.section([
            "emoji": .choice(ChannelPolicy.Emoji.allCases.map(\.rawValue)),
            "formality": .choice(ChannelPolicy.Formality.allCases.map(\.rawValue)),
            "greeting": .choice(ChannelPolicy.Expectation.allCases.map(\.rawValue)),
            "closing": .choice(ChannelPolicy.Expectation.allCases.map(\.rawValue)),
        ])
        let texts = ConfigShape.list(.text, noun: "names", example: "[Northwind, TrailMate]")
        return .section([
            "agents": .section([
                "header": .text,
                "addresses": .table(key: .text, value: .text, example: "tom.b@northwind.example: Tom Becker"),
            ]),
            "support_domains": .list(.text, noun: "domains", example: "[northwind.example]"),
            "channels": .list(.section([
                "channel": .text, "header": .text, "equals": .text, "address": .text, "folder": .text, "label": .text,
            ]), noun: "channel rules", example: "[{header: X-Channel}]"),
            "default_channel": .text,
            "disabled_rules": .list(.scalar(.ruleID), noun: "rule ids", example: "[long-sentence]"),
            "severities": .table(key: .ruleID, value: severity, example: "long-sentence: warning"),
            "handle_channels": .list(.scalar(.channel), noun: "channel names", example: "[social]"),
            "scorecard": .section([
                "weights": .table(key: .category, value: .number(in: ScorecardOptions.allowed), example: "privacy: 2"),
                "penalties": .table(key: .choice(Severity.allCases.reversed().map(\.rawValue)),
                                    value: .number(in: ScorecardOptions.allowed), example: "error: 30"),
                "auto_fail": .list(.scalar(.ruleID), noun: "rule ids", example: "[card-number, iban]"),
                "min_sample": .wholeNumber(atLeast: 1),
            ]),
            "tone": .section([
                "default": policy,
                "channels": .table(key: .channel, value: policy, example: "chat: {formality: casual}"),
            ]),
            "relevance": .section([
                "semantic": .boolean,
                "generic_reply": .section([
                    "default": severity,
                    "channels": .table(key: .channel, value: severity, example: "email: warning"),
                ]),
            ]),
            "dictionaries": .text,
            "templates": .text,
            "reviews": .text,
            "spelling": .section([
                "language": .text,
                "channels": .table(key: .channel, value: .text, example: "uk-email: en_GB"),
                "agents": .table(key: .text, value: .text, example: "Jürgen Weber: de_DE"),
                "detect_language": .boolean,
                "languages": .list(.text, noun: "dictionary names", example: "[en_US, de_DE]"),
                "words": texts,
                "also_accept": .list(.text, noun: "dictionary names", example: "[en_GB]"),
                "accept_english_variants": .boolean,
                "skip_all_caps": .boolean,
                "skip_capitalized": .boolean,
            ]),
            "limits": .section([
                "max_message_bytes": .wholeNumber(atLeast: 1),
                "max_mime_depth": .wholeNumber(atLeast: 1),
                "max_html_bytes": .wholeNumber(atLeast: 1),
            ]),
            "helpdesk": .section([
                "channels": .table(key: .text, value: .text, example: "web: email"),
                "bots": .choice(HelpdeskOptions.BotPolicy.allCases.map(\.rawValue)),
                "side_conversations": .choice(HelpdeskOptions.BotPolicy.allCases.map(\.rawValue)),
                "csv": .section([
                    "conversation": .text, "role": .text, "author": .text, "time": .text,
                    "channel": .text, "body": .text, "subject": .text,
                    "agent_roles": texts, "note_roles": texts, "bot_roles": texts,
                ]),
            ]),
        ])
    }()
}

/// Why a configuration file could not be used.
public enum ConfigurationError: Error, CustomStringConvertible {
    case unreadable(String, reason: String)
    /// Every problem found, one `file:line:column: error: ...` line each.
    case problems([ConfigIssue])
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read configuration file \(path): \(reason)"
        case .problems(let issues): return issues.map(\.description).joined(separator: "\n")
        }
    }
}
