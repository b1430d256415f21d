import Foundation
import ReplyQACore

/// The original bytes of a message read earlier: a whole file, or one message of an mbox file
/// (without its "From " separator line), so it can be copied as an `.eml` file.
public enum RawMessage {
    public static func bytes(location: String, limits: Limits) throws -> [UInt8] {
        if let hash = location.lastIndex(of: "#"), let n = Int(location[location.index(after: hash)...]), n > 0 {
            let path = String(location[..<hash])
            var range: Range<Int>? = nil
            MimeParser(limits: limits).parseMbox(path: path) { result in
                if range == nil, case .success(let m) = result, m.index == n - 1 { range = m.sourceRange }
            }
            guard let range, let data = FileManager.default.contents(atPath: path), range.upperBound <= data.count else {
                throw IngestError(path: location, reason: "message not found in the mbox file")
            }
            var bytes = [UInt8](data[range])
            if bytes.starts(with: Array("From ".utf8)), let newline = bytes.firstIndex(of: 10) { bytes.removeSubrange(0...newline) }
            return bytes
        }
        guard let data = FileManager.default.contents(atPath: location) else {
            throw IngestError(path: location, reason: "cannot read file")
        }
        return [UInt8](data)
    }
}
