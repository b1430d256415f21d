import Foundation
import Yams

/// Reads the YAML data files of `Dictionaries/` into Decodable types. Errors name the file, the
/// line and column, and the key: a misspelt key is an error, not a setting silently ignored.
public enum DataFile {
    /// Decodes `text` (the contents of `file`, named in errors).
    ///
    /// Scalars are read as the type asks for them (YAML 1.2's core types only: "no" and "on" are
    /// words, never booleans), and every key of every mapping must be one the type reads.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String) throws -> T {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text, Resolver.basic) else {
                throw DataFileError(description: "\(file): the file is empty")
            }
            root = node
        } catch let error as DataFileError {
            throw error
        } catch let error as YamlError {
            throw DataFileError(description: "\(file): \(Self.describe(error))")
        } catch {
            throw DataFileError(description: "\(file): \(error)")
        }
        let session = NodeDecodingSession()
        do {
            let value = try T(from: NodeDecoder(root, path: [], session: session))
            if let unknown = session.unknownKeys().first { throw unknown.error(in: file) }
            return value
        } catch let error as NodeDecodingError {
            throw error.error(in: file)
        } catch let error as DecodingError {
            throw Self.describe(error, in: file, session: session)
        } catch let error as DataFileError {
            throw error
        } catch {
            throw DataFileError(description: "\(file): \(error)")
        }
    }

    /// Reads `relative` (e.g. `tone/en.yml`) from the dictionaries folder; `what` names the data
    /// when the file is missing ("the tone lexicon for en").
    public static func load<T: Decodable>(_ type: T.Type, _ relative: String, locator: DictionaryLocator, what: String) throws -> T {
        guard let url = locator.file(relative) else {
            throw DataFileError(description: "no \(what): expected \(locator.root?.path ?? "Dictionaries")/\(relative)")
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DataFileError(description: "\(url.path): cannot be read as UTF-8 text")
        }
        return try decode(type, from: text, file: url.path)
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(mark.line):\(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.joined(separator: "”, “")
            return "\(context.mark.line):\(context.mark.column): the key “\(keys)” appears twice in one mapping"
        default:
            return "\(error)"
        }
    }

    /// A decoding error of a type's own `init(from:)`, placed at the node its coding path names.
    static func describe(_ error: DecodingError, in file: String, session: NodeDecodingSession) -> DataFileError {
        let (ctx, detail): (DecodingError.Context, String) = {
            switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return (c, c.debugDescription)
            case .keyNotFound(let key, let c): return (c, "the key “\(key.stringValue)” is missing")
            @unknown default: return (DecodingError.Context(codingPath: [], debugDescription: "\(error)"), "\(error)")
            }
        }()
        let path = NodeDecoder.describe(ctx.codingPath)
        let mark = session.mark(nearest: ctx.codingPath)
        let place = mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        return DataFileError(description: "\(place): \(path.isEmpty ? "" : path + ": ")\(detail)")
    }
}

/// A data file that cannot be used: grammar rules, a lexicon, markers, word lists, settings (one error type
/// for all of them; its description is the message users see).
public struct DataFileError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// A coding key named at run time (a checker's name, a key of a data file's mapping).
public struct DynamicCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}
