import Foundation
import Yams

/// What one decoding of a data file has seen: each mapping's keys and which of them the types
/// read, so keys nobody read (misspelt or unknown ones) can be reported with their line.
final class NodeDecodingSession {
    struct MappingUse {
        var keys: [(name: String, mark: Mark?)]
        var read: Set<String> = []
        var readAll = false
        var codingPath: [any CodingKey]
    }
    /// Mappings by coding path: a type may open the same mapping more than once.
    var mappings: [String: MappingUse] = [:]
    /// Where each node the decoding reached starts, by coding path.
    var marks: [String: Mark] = [:]

    /// Keys of every mapping that no type read, in file order.
    func unknownKeys() -> [NodeDecodingError] {
        var out: [(Mark?, NodeDecodingError)] = []
        for use in mappings.values where !use.readAll {
            let expected = use.read.sorted()
            for key in use.keys where !use.read.contains(key.name) {
                var message = "unknown key “\(key.name)”"
                if let guess = Suggestion.closest(to: key.name, among: expected) { message += "; did you mean “\(guess)”?" }
                else if !expected.isEmpty { message += " (known here: \(expected.joined(separator: ", ")))" }
                out.append((key.mark, NodeDecodingError(mark: key.mark, codingPath: use.codingPath, message: message)))
            }
        }
        return out.sorted { ($0.0?.line ?? 0, $0.0?.column ?? 0) < ($1.0?.line ?? 0, $1.0?.column ?? 0) }.map(\.1)
    }

    /// The start of the deepest node on `path` that the decoding reached.
    func mark(nearest path: [any CodingKey]) -> Mark? {
        var p = path
        while true {
            if let m = marks[NodeDecoder.describe(p)] { return m }
            if p.isEmpty { return nil }
            p.removeLast()
        }
    }
}

/// A value that does not fit its type, at a known place in the file.
struct NodeDecodingError: Error {
    var mark: Mark?
    var codingPath: [any CodingKey]
    var message: String

    func error(in file: String) -> DataFileError {
        let place = mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        let path = NodeDecoder.describe(codingPath)
        return DataFileError(description: "\(place): \(path.isEmpty ? "" : path + ": ")\(message)")
    }
}

/// Decodes a composed YAML node tree, reading scalars as the type asks for them.
struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    let session: NodeDecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: Node, path: [any CodingKey], session: NodeDecodingSession) {
        self.node = node
        self.codingPath = path
        self.session = session
        if let mark = node.mark { session.marks[Self.describe(path)] = mark }
    }

    /// `cues[3].patterns[0]`: how errors name a place in the file.
    static func describe(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out
    }

    func fail(_ message: String) -> NodeDecodingError { NodeDecodingError(mark: node.mark, codingPath: codingPath, message: message) }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: return "a single value"
        case .mapping: return "a mapping (key: value)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw fail("expected a mapping (key: value), found \(Self.kind(node))") }
        return KeyedDecodingContainer(try NodeKeyedContainer<Key>(mapping, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else { throw fail("expected a list, found \(Self.kind(node))") }
        return NodeUnkeyedContainer(Array(sequence), decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { NodeSingleValue(decoder: self) }

    // MARK: Scalars

    var scalar: Node.Scalar? { if case .scalar(let s) = node { return s } else { return nil } }

    /// A plain `~`, `null` or empty value.
    var isNull: Bool { Self.isNull(node) }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func string() throws -> String {
        guard let s = scalar else { throw fail("expected text, found \(Self.kind(node))") }
        if isNull { throw fail("expected text, found no value") }
        return s.string
    }

    /// The text of a plain (unquoted) scalar, for booleans and numbers.
    func plain(_ what: String) throws -> String {
        guard let s = scalar else { throw fail("expected \(what), found \(Self.kind(node))") }
        guard s.style == .plain, !isNull else { throw fail("expected \(what), found “\(s.string)”") }
        return s.string
    }

    func bool() throws -> Bool {
        switch try plain("true or false") {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case let other: throw fail("expected true or false, found “\(other)”")
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let text = try plain("a whole number")
        guard let value = T(text) else { throw fail("expected a whole number, found “\(text)”") }
        return value
    }

    func double() throws -> Double {
        let text = try plain("a number")
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default:
            guard let value = Double(text) else { throw fail("expected a number, found “\(text)”") }
            return value
        }
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try string() as! T
        case is Bool.Type: return try bool() as! T
        case is Int.Type: return try integer(Int.self) as! T
        case is Double.Type: return try double() as! T
        default: return try T(from: self)
        }
    }
}

struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let values: [String: Node]
    var codingPath: [any CodingKey] { decoder.codingPath }
    let pathName: String

    init(_ mapping: Node.Mapping, decoder: NodeDecoder) throws {
        self.decoder = decoder
        var values: [String: Node] = [:]
        var keys: [(name: String, mark: Mark?)] = []
        for (k, v) in mapping {
            guard case .scalar(let s) = k else {
                throw NodeDecodingError(mark: k.mark, codingPath: decoder.codingPath, message: "a key must be a single value")
            }
            values[s.string] = v
            keys.append((s.string, k.mark))
        }
        self.values = values
        pathName = NodeDecoder.describe(decoder.codingPath)
        if decoder.session.mappings[pathName] == nil {
            decoder.session.mappings[pathName] = NodeDecodingSession.MappingUse(keys: keys, codingPath: decoder.codingPath)
        }
    }

    func note(_ key: Key) { decoder.session.mappings[pathName]?.read.insert(key.stringValue) }

    var allKeys: [Key] {
        decoder.session.mappings[pathName]?.readAll = true
        return values.keys.sorted().compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        note(key)
        return values[key.stringValue] != nil
    }

    func child(_ key: Key) throws -> NodeDecoder {
        note(key)
        guard let node = values[key.stringValue] else {
            // A misspelt key is the likely cause: name it, where it is written. Keys the type does
            // not know are those its coding keys cannot be made from.
            let keys = decoder.session.mappings[pathName]?.keys ?? []
            let unknown = keys.filter { Key(stringValue: $0.name) == nil }
            if let guess = Suggestion.closest(to: key.stringValue, among: unknown.map(\.name)),
               let written = unknown.first(where: { $0.name == guess }) {
                throw NodeDecodingError(mark: written.mark, codingPath: codingPath,
                                        message: "unknown key “\(guess)”; did you mean “\(key.stringValue)”?")
            }
            if let written = unknown.first {
                throw NodeDecodingError(mark: written.mark, codingPath: codingPath,
                                        message: "unknown key “\(written.name)” (and the key “\(key.stringValue)” is missing)")
            }
            throw NodeDecodingError(mark: decoder.node.mark, codingPath: codingPath, message: "the key “\(key.stringValue)” is missing")
        }
        return NodeDecoder(node, path: codingPath + [key], session: decoder.session)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        note(key)
        guard let node = values[key.stringValue] else { return true }
        return NodeDecoder(node, path: codingPath + [key], session: decoder.session).isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        note(key)
        guard values[key.stringValue] != nil else { return nil }
        let d = try child(key)
        return d.isNull ? nil : try d.decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [Node]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(_ items: [Node], decoder: NodeDecoder) { self.items = items; self.decoder = decoder }

    mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.fail("the list has too few items") }
        defer { currentIndex += 1 }
        return NodeDecoder(items[currentIndex], path: codingPath + [DynamicCodingKey(intValue: currentIndex)], session: decoder.session)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        let isNull = NodeDecoder.isNull(items[currentIndex])
        if isNull { currentIndex += 1 }
        return isNull
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct NodeSingleValue: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    func decodeNil() -> Bool { decoder.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
}
