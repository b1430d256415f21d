import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ReplyQACore

/// The original bytes of a message read earlier: a whole file, or one message of an mbox file
/// (without its "From " separator line), so it can be copied as an `.eml` file. An Outlook file
/// gives the MIME message it was converted to.
public enum RawMessage {
    public static func bytes(location: String, limits: Limits) throws -> [UInt8] {
        if let hash = location.lastIndex(of: "#"), let n = Int(location[location.index(after: hash)...]), n > 0 {
            let path = String(location[..<hash])
            var range: Range<Int>? = nil
            MimeParser(limits: limits).parseMbox(path: path) { result in
                if range == nil, case .success(let m) = result, m.index == n - 1 { range = m.sourceRange }
            }
            guard let range, let data = try? SystemPath.read(path), range.upperBound <= data.count else {
                throw IngestError(path: location, reason: "message not found in the mbox file")
            }
            var bytes = Array(data[range])
            if bytes.starts(with: Array("From ".utf8)), let newline = bytes.firstIndex(of: 10) { bytes.removeSubrange(0...newline) }
            return bytes
        }
        let bytes = try SystemPath.read(location)
        return OutlookMessage.isOutlook(bytes) ? try OutlookMessage.mime(bytes, name: location, limits: limits) : bytes
    }
}

/// Paths as the file system spells them: bytes, which need not be UTF-8. A path that is not valid
/// UTF-8 is shown with U+FFFD in place of the bad bytes and remembered, so that opening it later by
/// the shown path reads the real file. Every open is of a regular file, never a FIFO or a device.
public enum SystemPath {
    /// Shown paths that do not spell their own bytes.
    final class Table: @unchecked Sendable {
        let lock = NSLock()
        var bytes: [String: [UInt8]] = [:]
    }
    static let table = Table()

    /// How a name or path is shown: invalid UTF-8 becomes U+FFFD.
    public static func display(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Records that `shown` stands for the path `bytes` (needed only when they differ).
    public static func remember(_ shown: String, bytes: [UInt8]) {
        guard Array(shown.utf8) != bytes else { return }
        table.lock.lock(); defer { table.lock.unlock() }
        table.bytes[shown] = bytes
    }

    /// The real bytes of the path shown as `shown`.
    public static func bytes(_ shown: String) -> [UInt8] {
        table.lock.lock(); defer { table.lock.unlock() }
        return table.bytes[shown] ?? Array(shown.utf8)
    }

    /// Calls `body` with `bytes` as a NUL-terminated C string.
    public static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { try body($0) }
        }
    }

    /// What a file that is not a regular file or folder is, for the reason it is skipped.
    public static func kind(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a folder"
        default: return "not a regular file"
        }
    }

    /// The text of an `errno` value.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Opens a regular file for reading; the caller closes the descriptor. `O_NONBLOCK` keeps a
    /// FIFO (or a file swapped for one since it was listed) from blocking the open; `fstat` then refuses it.
    public static func openRegular(_ shown: String) throws(IngestError) -> (fd: Int32, size: Int) {
        let fd = withCString(bytes(shown)) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        if fd < 0 { throw IngestError(path: shown, reason: "cannot read file: \(describe(errno))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let why = describe(errno)
            close(fd)
            throw IngestError(path: shown, reason: "cannot read file: \(why)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw IngestError(path: shown, reason: "not a regular file: \(kind(mode: info.st_mode))")
        }
        // Back to blocking reads: a regular file never waits, and GMime expects plain descriptors.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (fd, Int(info.st_size))
    }

    /// The whole of a regular file, refusing one larger than `maxBytes`.
    public static func read(_ shown: String, maxBytes: Int = .max) throws(IngestError) -> [UInt8] {
        let (fd, size) = try openRegular(shown)
        defer { close(fd) }
        if size > maxBytes {
            throw IngestError(path: shown, reason: "message is \(size / 1_048_576) MB, over the limit of \(maxBytes / 1_048_576) MB")
        }
        let bytes = try readAll(fd, upTo: maxBytes, path: shown, expected: size)
        // The file grew past the limit while it was read.
        if bytes.count > maxBytes {
            throw IngestError(path: shown, reason: "message is over the limit of \(maxBytes / 1_048_576) MB")
        }
        return bytes
    }

    /// The first `count` bytes of a regular file; nil when it is not one or cannot be read.
    public static func prefix(_ shown: String, count: Int) -> [UInt8]? {
        guard let (fd, _) = try? openRegular(shown) else { return nil }
        defer { close(fd) }
        return (try? readAll(fd, upTo: count, path: shown)).map { Array($0.prefix(count)) }
    }

    /// Reads to the end, or to one byte past `limit`, which tells the caller the file is longer.
    static func readAll(_ fd: Int32, upTo limit: Int, path: String, expected: Int = 0) throws(IngestError) -> [UInt8] {
        var result: [UInt8] = []
        // The size the file had when opened: one allocation, not a doubling per chunk.
        result.reserveCapacity(min(max(expected, 0), limit) + 1)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while result.count <= limit {
            let remaining = limit - result.count
            let want = remaining >= chunk.count ? chunk.count : remaining + 1
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IngestError(path: path, reason: "cannot read file: \(describe(errno))")
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

}

/// `read(2)`, outside `SystemPath`, whose own `read` hides it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
