import Foundation

/// A `.safetensors` file mapped into memory: tensor names, dtypes and shapes, and F32 data in place.
public final class SafeTensors: @unchecked Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range inside the data section (after the header).
        public let range: Range<Int>
    }

    /// Every tensor in the file, by name.
    public let entries: [String: Entry]
    /// The header's `__metadata__`, if any.
    public let metadata: [String: String]
    private let base: UnsafeRawPointer
    private let mappedLength: Int
    private let dataOffset: Int

    /// Maps `url` read-only; pages are read from disk only when a tensor is touched.
    public init(contentsOf url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw SemanticError.unreadable(url.path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SemanticError.unreadable(url.path, String(cString: strerror(errno))) }
        let length = Int(info.st_size)
        guard length >= 8 else { throw SemanticError.invalidModel(url.path, "too short for a safetensors header") }
        guard let map = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw SemanticError.unreadable(url.path, String(cString: strerror(errno)))
        }
        do {
            (entries, metadata, dataOffset) = try Self.parseHeader(UnsafeRawPointer(map), length: length, path: url.path)
        } catch {
            munmap(map, length)
            throw error
        }
        base = UnsafeRawPointer(map)
        mappedLength = length
    }

    deinit {
        unalignedCopies.forEach { $0.deallocate() }
        munmap(UnsafeMutableRawPointer(mutating: base), mappedLength)
    }

    /// Reads the 8-byte little-endian header length and the JSON header, and checks every range.
    private static func parseHeader(_ base: UnsafeRawPointer, length: Int, path: String) throws
        -> ([String: Entry], [String: String], Int) {
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(base.load(fromByteOffset: i, as: UInt8.self)) }
        guard headerLength <= UInt64(length - 8) else { throw SemanticError.invalidModel(path, "header longer than the file") }
        let dataOffset = 8 + Int(headerLength)
        let header = Data(bytes: base + 8, count: Int(headerLength))
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw SemanticError.invalidModel(path, "the header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                for (k, v) in value as? [String: Any] ?? [:] { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = (fields["shape"] as? [NSNumber])?.map(\.intValue),
                  let offsets = (fields["data_offsets"] as? [NSNumber])?.map(\.intValue), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= length - dataOffset else {
                throw SemanticError.invalidModel(path, "bad header entry for \(name)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        return (entries, metadata, dataOffset)
    }

    /// An F32 tensor's values in place (valid while this object lives) and its shape. The file is
    /// little-endian, as are the hosts this runs on. Copies only when the data is not 4-byte aligned
    /// in the file, which writers normally avoid.
    func float32(_ name: String, shape expected: [Int]? = nil) throws -> (values: UnsafeBufferPointer<Float>, shape: [Int]) {
        guard let entry = entries[name] else { throw SemanticError.invalidModel("model.safetensors", "no tensor \(name)") }
        guard entry.dtype == "F32" else { throw SemanticError.invalidModel("model.safetensors", "\(name) is \(entry.dtype), not F32") }
        let count = entry.shape.reduce(1, *)
        guard count * 4 == entry.range.count else {
            throw SemanticError.invalidModel("model.safetensors", "\(name): shape \(entry.shape) does not fit \(entry.range.count) bytes")
        }
        if let expected, expected != entry.shape {
            throw SemanticError.invalidModel("model.safetensors", "\(name) has shape \(entry.shape), expected \(expected)")
        }
        let start = base + dataOffset + entry.range.lowerBound
        if Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
            return (UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: count), entry.shape)
        }
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        UnsafeMutableRawBufferPointer(copy).copyMemory(from: UnsafeRawBufferPointer(start: start, count: count * 4))
        unalignedCopies.append(copy)
        return (UnsafeBufferPointer(copy), entry.shape)
    }

    /// Copies made for unaligned tensors, freed with the file; only touched while the model loads.
    private var unalignedCopies: [UnsafeMutableBufferPointer<Float>] = []

    /// The F32 values of a tensor as an array (for tests and tools).
    public func floats(_ name: String) throws -> [Float] { Array(try float32(name).values) }
}
