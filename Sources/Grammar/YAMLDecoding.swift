import Foundation
import ReplyQACore

/// Rule files are read like every data file; errors become grammar errors.
enum YAMLDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        do { return try DataFile.decode(type, from: text, file: file) }
        catch let error as DataFileError { throw GrammarError(description: error.description) }
    }
}

/// A rule file or lexicon that cannot be used.
public struct GrammarError: Error, CustomStringConvertible {
    public var description: String
}
