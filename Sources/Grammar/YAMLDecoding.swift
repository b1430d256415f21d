import Foundation
import Yams

/// YAML decoding with errors that name the file and the path of the bad key.
enum YAMLDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as DecodingError {
            switch error {
            case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .keyNotFound(_, let ctx), .dataCorrupted(let ctx):
                let path = ctx.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                throw GrammarError(description: "\(file): \(path): \(ctx.debugDescription)")
            @unknown default:
                throw GrammarError(description: "\(file): \(error)")
            }
        } catch {
            throw GrammarError(description: "\(file): \(error)")
        }
    }
}

/// A rule file or lexicon that cannot be used.
public struct GrammarError: Error, CustomStringConvertible {
    public var description: String
}
