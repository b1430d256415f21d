import Foundation

/// One file of an output folder, produced when its turn comes to be written, so that a report is
/// never held in memory whole: only the file being written, and of that only what is not yet flushed.
public struct OutputFile {
    public var path: String
    let produce: (OutputSink) throws -> Void

    /// A file whose bytes `produce` appends to the sink it is given.
    public init(path: String, produce: @escaping (OutputSink) throws -> Void) {
        self.path = path
        self.produce = produce
    }

    /// A file whose bytes are already made.
    public init(path: String, data: Data) {
        self.init(path: path) { try $0.append(data) }
    }

    /// A file whose text is made when it is written.
    public init(path: String, text: @escaping () throws -> String) {
        self.init(path: path) { try $0.append(text()) }
    }

    /// The file's bytes, made in memory.
    public func data() throws -> Data {
        let sink = OutputSink()
        try produce(sink)
        return try sink.finish().data ?? Data()
    }
}

/// Where an output file's bytes go as they are made: a file on disk (flushed in blocks) or memory,
/// with the size and SHA-256 the manifest records.
public final class OutputSink {
    private let handle: FileHandle?
    private var buffer = Data()
    private var hasher = SHA256.Hasher()
    private var size = 0
    private static let block = 1 << 16

    /// A sink that keeps the bytes in memory.
    init() { handle = nil }

    /// A sink that writes to a new file at `url`.
    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw ReportError(description: "cannot create \(url.path)")
        }
        self.handle = handle
    }

    /// Appends bytes.
    public func append<Bytes: DataProtocol>(_ bytes: Bytes) throws {
        buffer.append(contentsOf: bytes)
        if handle != nil && buffer.count >= Self.block { try flush() }
    }

    /// Appends text as UTF-8.
    public func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append(UnsafeRawBufferPointer($0)) }
    }

    private func flush() throws {
        hasher.update(buffer)
        size += buffer.count
        try handle?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the file: its size, hash and, for a sink in memory, its bytes.
    func finish() throws -> (size: Int, sha256: String, data: Data?) {
        let kept = handle == nil ? buffer : nil
        try flush()
        try handle?.close()
        return (size, hasher.hex(), kept)
    }
}
