import Foundation
import Yams

/// YAML decoding with errors that name the file and the path of the bad key.
enum YAMLDecoding {
    /// YAML 1.2's core types only: "no" and "on" are words in a rule file, not booleans.
    static let resolver: Resolver = {
        try! Resolver.basic.appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
            .appending(Resolver.Rule.int).appending(Resolver.Rule.null)
    }()

    static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        do {
            // libyaml parses quickly but Yams' Codable layer does not: go through JSON instead
            // (half the start-up time of `lint`).
            guard let tree = try Yams.load(yaml: text, resolver) else { throw GrammarError(description: "\(file): the file is empty") }
            let data = try JSONSerialization.data(withJSONObject: tree)
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            switch error {
            case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx), .dataCorrupted(let ctx):
                let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                throw GrammarError(description: "\(file): \(path): \(ctx.debugDescription)")
            @unknown default:
                throw GrammarError(description: "\(file): \(error)")
            }
        } catch let error as GrammarError {
            throw error
        } catch {
            throw GrammarError(description: "\(file): \(error)")
        }
    }
}

/// A rule file or lexicon that cannot be used.
public struct GrammarError: Error, CustomStringConvertible {
    public var description: String
}
