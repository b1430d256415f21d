import Foundation
import Yams

/// Decodes the YAML data files of `Dictionaries/` with errors that name the file and the bad key.
public enum DataFile {
    /// YAML 1.2's core types only: "no" and "on" are words in a rule file, not booleans.
    static let resolver: Resolver = {
        try! Resolver.basic.appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
            .appending(Resolver.Rule.int).appending(Resolver.Rule.float).appending(Resolver.Rule.null)
    }()

    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        do {
            // libyaml parses quickly but Yams' Codable layer does not: go through JSON instead.
            guard let tree = try Yams.load(yaml: text, resolver) else { throw DataFileError(description: "\(file): the file is empty") }
            let data = try JSONSerialization.data(withJSONObject: tree)
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            switch error {
            case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx), .dataCorrupted(let ctx):
                let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                throw DataFileError(description: "\(file): \(path): \(ctx.debugDescription)")
            @unknown default:
                throw DataFileError(description: "\(file): \(error)")
            }
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError(description: "\(file): \(error)")
        }
    }
}

/// A data file (rules, lexicon) that cannot be used.
public struct DataFileError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
