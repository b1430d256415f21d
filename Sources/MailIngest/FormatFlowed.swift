/// Decodes `format=flowed` text (RFC 3676): joins soft-broken lines, undoes space-stuffing.
public enum FormatFlowed {
    public static func decode(_ text: String, delSp: Bool) -> String {
        var out: [String] = []
        var current: String? = nil
        var currentDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            var depth = 0
            while line.first == ">" { depth += 1; line = line.dropFirst() }
            if line.first == " " { line = line.dropFirst() }  // space-stuffing
            let isSignatureSeparator = line == "-- "
            let soft = line.hasSuffix(" ") && !isSignatureSeparator
            var content = String(line)
            if soft && delSp { content.removeLast() }
            if var pending = current, depth == currentDepth {
                pending += content
                current = pending
            } else {
                if let pending = current { out.append(quotePrefix(currentDepth) + pending) }
                current = content
                currentDepth = depth
            }
            if !soft {
                out.append(quotePrefix(currentDepth) + current!)
                current = nil
            }
        }
        if let pending = current { out.append(quotePrefix(currentDepth) + pending) }
        return out.joined(separator: "\n")
    }

    private static func quotePrefix(_ depth: Int) -> String {
        depth == 0 ? "" : String(repeating: ">", count: depth) + " "
    }
}
