/// The words of `Dictionaries/common/<lang>.yml` that several checks share, so that what counts
/// as a greeting is written once.
public struct CommonLexicon: Decodable, Sendable {
    /// Words that open a greeting ("hi", "good morning").
    public var greetings: [String]
    /// Words after a greeting that are not a name ("there", "team").
    public var notNames: [String]

    enum CodingKeys: String, CodingKey { case greetings, notNames = "not_names" }

    public init(greetings: [String], notNames: [String]) { self.greetings = greetings; self.notNames = notNames }

    public static func load(language: String, locator: DictionaryLocator) throws -> CommonLexicon {
        try DataFile.load(CommonLexicon.self, "common/\(language).yml", locator: locator, what: "common word list for \(language)")
    }
}
