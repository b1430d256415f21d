import Foundation
#if canImport(Glibc)
import Glibc
#endif
internal import CGMime

/// Decodes bytes in a declared charset to a valid Swift string; undecodable bytes become U+FFFD.
public enum CharsetDecoder {
    /// The decoded text and, when the charset was unknown or the bytes were damaged, why.
    public static func decode(_ bytes: [UInt8], charset declared: String?) -> (text: String, warning: String?) {
        let name = declared?.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).lowercased() ?? ""
        if name.isEmpty || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" {
            // Undeclared or ASCII-labelled mail is often really Windows-1252: prefer UTF-8 when valid.
            if let text = String(validating: bytes, as: UTF8.self) { return (text, nil) }
            if name.hasPrefix("utf") {
                return (String(decoding: bytes, as: UTF8.self), "invalid UTF-8 bytes were replaced")
            }
            return convert(bytes, from: "WINDOWS-1252") ?? (String(decoding: bytes, as: UTF8.self), nil)
        }
        // As browsers do, read ISO-8859-1 as its superset Windows-1252 (curly quotes in 0x80-0x9F).
        let effective = (name == "iso-8859-1" || name == "latin1" || name == "iso8859-1") ? "windows-1252" : name
        let iconvName = g_mime_charset_iconv_name(effective).map { String(cString: $0) } ?? effective
        if let result = convert(bytes, from: iconvName) { return result }
        let fallback = String(validating: bytes, as: UTF8.self)
        let text = fallback ?? convert(bytes, from: "WINDOWS-1252")?.text ?? String(decoding: bytes, as: UTF8.self)
        return (text, "unknown charset \"\(declared ?? "")\"; decoded as \(fallback != nil ? "UTF-8" : "Windows-1252")")
    }

    /// iconv conversion to UTF-8 that replaces each undecodable byte instead of failing.
    static func convert(_ bytes: [UInt8], from charset: String) -> (text: String, warning: String?)? {
        let cd = iconv_open("UTF-8", charset)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var output = [UInt8]()
        output.reserveCapacity(bytes.count + bytes.count / 2)
        var replaced = 0
        var input = bytes
        let total = input.count
        input.withUnsafeMutableBufferPointer { inBuf in
            var offset = 0
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while offset < total {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress! + offset)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = total - offset
                let produced: Int
                let result: Int
                let err: Int32
                (produced, result, err) = chunk.withUnsafeMutableBufferPointer { outBuf in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuf.count
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (outBuf.count - outLeft, r, errno)
                }
                output.append(contentsOf: chunk[0..<produced])
                offset = total - inLeft
                if result == -1 {
                    if err == E2BIG { continue }
                    // EILSEQ or EINVAL (truncated sequence): replace one byte and go on.
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    replaced += 1
                    offset += 1
                    _ = iconv(cd, nil, nil, nil, nil)
                }
            }
        }
        let warning = replaced > 0 ? "\(replaced) undecodable byte(s) in \(charset) were replaced" : nil
        return (String(decoding: output, as: UTF8.self), warning)
    }
}
