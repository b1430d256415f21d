internal import CLibXML2

/// Turns an HTML body into plain text that keeps its structure: paragraphs, line breaks, lists,
/// link text, and quoted containers (`blockquote` lines get a "> " prefix).
public enum HTMLText {
    /// The text and the line where a client's quoting container starts, if one was found.
    public struct Result: Sendable, Equatable {
        public var text: String
        public var quoteStartLine: Int?
        /// The HTML was nested deeper than libxml2 parses (256 levels): the deeper part was read as
        /// flat text (line breaks kept, structure and quoting lost there).
        public var tooDeep = false
    }

    /// Converts with libxml2's forgiving HTML parser. Never touches the network.
    public static func convert(_ html: String) -> Result {
        let cleaned = html.replacingOccurrences(of: String(marker), with: "")
        guard var result = render(cleaned) else { return Result(text: "", quoteStartLine: nil) }
        if result.tooDeep {
            // libxml2 stops at its depth limit and drops everything after it; flattening what lies
            // deeper than that keeps the text, and stripping every tag is the last resort.
            result = render(flatten(cleaned, keepDepth: flattenDepth)).flatMap { $0.tooDeep ? nil : $0 }
                ?? render(flatten(cleaned, keepDepth: 0)) ?? Result(text: "", quoteStartLine: nil)
            result.tooDeep = true
        }
        return result
    }

    /// Tags nested deeper than this are dropped by `flatten`, well inside libxml2's 256 levels.
    static let flattenDepth = 200

    /// Parses and renders; `tooDeep` says the parser gave up at its nesting limit.
    static func render(_ html: String) -> Result? {
        var bytes = Array(html.utf8)
        if bytes.isEmpty { return Result(text: "", quoteStartLine: nil) }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue)
        guard let context = htmlNewParserCtxt() else { return nil }
        defer { htmlFreeParserCtxt(context) }
        let doc = bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                htmlCtxtReadMemory(context, $0, Int32(buf.count), nil, "UTF-8", options)
            }
        }
        // The error is recorded even though NOERROR keeps it from being printed.
        let message = context.pointee.lastError.message.map { String(cString: $0) } ?? ""
        let tooDeep = context.pointee.errNo != 0 && message.lowercased().contains("depth")
        guard let doc else { return tooDeep ? Result(text: "", quoteStartLine: nil, tooDeep: true) : nil }
        defer { xmlFreeDoc(doc) }
        var renderer = Renderer()
        if let root = xmlDocGetRootElement(doc) { renderer.element(root, depth: 0) }
        var result = finish(renderer.output)
        result.tooDeep = tooDeep
        return result
    }

    static let voidElements: Set<String> = ["br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base",
                                            "source", "track", "embed", "param", "keygen"]

    /// The HTML with every tag nested deeper than `keepDepth` removed: a block-level tag becomes
    /// `<br>` so lines stay lines, others go; the content of a deep `script` or `style` goes too.
    /// Depth is counted from the tags as written (no implied end tags), which can only overcount.
    static func flatten(_ html: String, keepDepth: Int) -> String {
        let blocks = Renderer.lineBlocks.union(Renderer.paragraphBlocks).union(["blockquote"])
        let chars = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var depth = 0, i = 0
        // A deep block tag asks for a line break before the next text, so a run of them is one break.
        var pendingBreak = false
        func append(text scalar: Unicode.Scalar) {
            if pendingBreak && !scalar.properties.isWhitespace {
                out.append(contentsOf: "<br>".unicodeScalars)
                pendingBreak = false
            }
            out.append(scalar)
        }
        while i < chars.count {
            guard chars[i] == "<", i + 1 < chars.count else { append(text: chars[i]); i += 1; continue }
            if chars[i + 1] == "!" || chars[i + 1] == "?" {
                // A comment, doctype or processing instruction: dropped when deep, else kept whole.
                let isComment = i + 3 < chars.count && chars[i + 2] == "-" && chars[i + 3] == "-"
                var j = i + 2
                if isComment {
                    while j + 2 < chars.count, !(chars[j] == "-" && chars[j + 1] == "-" && chars[j + 2] == ">") { j += 1 }
                    j = min(chars.count, j + 3)
                } else {
                    while j < chars.count, chars[j] != ">" { j += 1 }
                    j = min(chars.count, j + 1)
                }
                if depth <= keepDepth { out.append(contentsOf: chars[i..<j]) }
                i = j
                continue
            }
            let closing = chars[i + 1] == "/"
            var j = i + (closing ? 2 : 1)
            var name = ""
            while j < chars.count, chars[j].properties.isAlphabetic || ("0"..."9").contains(chars[j]) {
                name.unicodeScalars.append(chars[j]); j += 1
            }
            guard !name.isEmpty else { append(text: chars[i]); i += 1; continue }  // a "<" in text
            var quote: Unicode.Scalar? = nil
            while j < chars.count {
                if let q = quote { if chars[j] == q { quote = nil } }
                else if chars[j] == "\"" || chars[j] == "'" { quote = chars[j] }
                else if chars[j] == ">" { break }
                j += 1
            }
            let end = min(chars.count, j + 1)
            let selfClosing = j > i && j < chars.count && chars[j - 1] == "/"
            name = name.lowercased()
            let tag = chars[i..<end]
            i = end
            if closing {
                if depth <= keepDepth { out.append(contentsOf: tag) } else if blocks.contains(name) { pendingBreak = true }
                depth = max(0, depth - 1)
                continue
            }
            if voidElements.contains(name) || selfClosing {
                if depth < keepDepth { out.append(contentsOf: tag) } else if name == "br" { pendingBreak = true }
                continue
            }
            depth += 1
            if depth <= keepDepth { out.append(contentsOf: tag); continue }
            if name == "script" || name == "style" {
                // Skip to the matching end tag: its content is code, not text.
                let closer = Array("</\(name)".unicodeScalars)
                while i < chars.count, !(chars[i] == "<" && i + closer.count <= chars.count
                        && String(String.UnicodeScalarView(chars[i..<i + closer.count]))
                            .lowercased() == String(String.UnicodeScalarView(closer))) { i += 1 }
                continue  // the end tag itself is read next and lowers the depth again
            }
            if blocks.contains(name) { pendingBreak = true }
        }
        return String(out)
    }

    /// Private-use character left where a quoting container starts, found again after cleanup.
    static let marker: Character = "\u{E000}"

    static func finish(_ raw: String) -> Result {
        var result: [String] = []
        var quoteLine: Int? = nil
        for line in raw.replacingOccurrences(of: "\u{00A0}", with: " ").split(separator: "\n", omittingEmptySubsequences: false) {
            var l = Substring(line)
            while let last = l.last, last == " " || last == "\t" { l = l.dropLast() }
            if l.contains(marker) {
                quoteLine = quoteLine ?? result.count
                l = Substring(l.replacingOccurrences(of: String(marker), with: ""))
                if l.isEmpty { continue }
            }
            if l.isEmpty, result.last?.isEmpty ?? true { continue }
            result.append(String(l))
        }
        while result.last?.isEmpty == true { result.removeLast() }
        if var q = quoteLine {
            while q < result.count, result[q].isEmpty { q += 1 }
            quoteLine = q < result.count ? q : nil
        }
        return Result(text: result.joined(separator: "\n"), quoteStartLine: quoteLine)
    }

    /// Walks the DOM writing text; tracks pending line breaks so blocks and `<br>` compose.
    struct Renderer {
        var output = ""
        var trailingNewlines = 2  // at start, as if after a paragraph
        var pendingBreaks = 0
        var listStack: [(ordered: Bool, counter: Int)] = []
        var inPre = 0
        var quoteMarked = false

        static let skipped: Set<String> = ["head", "script", "style", "title", "noscript", "template", "object", "iframe", "svg", "xml"]
        static let lineBlocks: Set<String> = ["div", "section", "article", "header", "footer", "nav", "aside", "address",
                                              "center", "tr", "li", "dt", "dd", "form", "fieldset", "figure", "main",
                                              "caption", "body", "html"]
        static let paragraphBlocks: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "pre", "table"]
        /// Class names and ids mail clients put on the container that holds the quoted message.
        static let quoteContainers = ["gmail_quote", "gmail_attr", "moz-cite-prefix", "divrplyfwdmsg", "outlookmessageheader",
                                      "yahoo_quoted", "protonmail_quote", "zmail_extra", "appendonsend", "x_gmail_quote",
                                      "x_divrplyfwdmsg", "replyforwardheader", "stopspelling"]

        mutating func ensureBreaks(_ n: Int) { pendingBreaks = max(pendingBreaks, n) }

        mutating func write(_ s: String) {
            guard !s.isEmpty else { return }
            if output.isEmpty { pendingBreaks = 0 }
            while trailingNewlines < pendingBreaks { output.append("\n"); trailingNewlines += 1 }
            pendingBreaks = 0
            output.append(s)
            trailingNewlines = 0
            var count = 0
            for ch in s.reversed() { if ch == "\n" { count += 1 } else { break } }
            trailingNewlines = count
        }

        mutating func lineBreak() {
            while trailingNewlines < pendingBreaks { output.append("\n"); trailingNewlines += 1 }
            pendingBreaks = 0
            output.append("\n")
            trailingNewlines += 1
        }

        mutating func text(_ raw: String) {
            if inPre > 0 { write(raw); return }
            var collapsed = ""
            var lastWasSpace = trailingNewlines > 0 || output.last == " "
            for ch in raw {
                if ch == " " || ch == "\n" || ch == "\t" || ch == "\r" {
                    if !lastWasSpace { collapsed.append(" "); lastWasSpace = true }
                } else {
                    collapsed.append(ch); lastWasSpace = false
                }
            }
            if collapsed == " " && (trailingNewlines > 0 || pendingBreaks > 0) { return }
            if pendingBreaks > 0, collapsed.first == " " { collapsed.removeFirst() }
            write(collapsed)
        }

        mutating func children(_ node: UnsafeMutablePointer<xmlNode>, depth: Int) {
            var child = node.pointee.children
            while let c = child { element(c, depth: depth + 1); child = c.pointee.next }
        }

        mutating func element(_ node: UnsafeMutablePointer<xmlNode>, depth: Int) {
            // libxml2 caps nesting itself; this guard keeps hostile input from exhausting the stack.
            guard depth < 400 else { return }
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { text(String(cString: content)) }
                return
            case XML_ELEMENT_NODE:
                break
            default:
                return
            }
            let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if Self.skipped.contains(name) { return }
            let attrs = attributes(node)
            if !quoteMarked, isQuoteContainer(name: name, attrs: attrs) {
                quoteMarked = true
                ensureBreaks(1)
                write(String(HTMLText.marker))
                ensureBreaks(1)
            }
            switch name {
            case "br":
                lineBreak()
            case "hr":
                ensureBreaks(1)
                write("________________________________")
                ensureBreaks(1)
            case "blockquote":
                blockquote(node, depth: depth)
            case "ul", "ol":
                list(node, ordered: name == "ol", depth: depth)
            case "li":
                listItem(node, depth: depth)
            case "td", "th":
                if output.last.map({ $0 != " " && $0 != "\n" }) ?? false, pendingBreaks == 0 { write(" ") }
                children(node, depth: depth)
            case "pre":
                ensureBreaks(2)
                inPre += 1
                children(node, depth: depth)
                inPre -= 1
                ensureBreaks(2)
            case "img":
                // Images are never fetched; alt text stands in for them only when it is words.
                break
            default:
                block(node, name: name, attrs: attrs, depth: depth)
            }
        }

        /// The quoted text rendered on its own, each line prefixed with `>`.
        mutating func blockquote(_ node: UnsafeMutablePointer<xmlNode>, depth: Int) {
            var inner = Renderer()
            inner.quoteMarked = true
            inner.children(node, depth: depth)
            let quoted = HTMLText.finish(inner.output).text
            ensureBreaks(1)
            if !quoted.isEmpty {
                let prefixed = quoted.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? ">" : ($0.hasPrefix(">") ? ">" + $0 : "> " + $0) }
                    .joined(separator: "\n")
                write(prefixed)
            }
            ensureBreaks(1)
        }

        mutating func list(_ node: UnsafeMutablePointer<xmlNode>, ordered: Bool, depth: Int) {
            listStack.append((ordered, 0))
            ensureBreaks(listStack.count > 1 ? 1 : 2)
            children(node, depth: depth)
            listStack.removeLast()
            ensureBreaks(listStack.isEmpty ? 2 : 1)
        }

        /// A list item on its own line, indented by the list's depth, with its number or a dash.
        mutating func listItem(_ node: UnsafeMutablePointer<xmlNode>, depth: Int) {
            ensureBreaks(1)
            let indent = String(repeating: "  ", count: max(0, listStack.count - 1))
            if var top = listStack.popLast() {
                top.counter += 1
                listStack.append(top)
                write(indent + (top.ordered ? "\(top.counter). " : "- "))
            } else {
                write("- ")
            }
            trailingNewlines = 0
            children(node, depth: depth)
            ensureBreaks(1)
        }

        /// Any other element: a paragraph (a blank line around it), a line block (a line of its
        /// own) or inline text.
        mutating func block(_ node: UnsafeMutablePointer<xmlNode>, name: String, attrs: [String: String], depth: Int) {
            let isPara = Self.paragraphBlocks.contains(name)
            let isLine = Self.lineBlocks.contains(name)
            // Outlook's MsoNormal paragraphs have zero margins: they lay out as lines.
            let compact = name == "p" && ((attrs["class"] ?? "").lowercased().contains("msonormal")
                || (attrs["style"] ?? "").replacingOccurrences(of: " ", with: "").lowercased().contains("margin:0"))
            let breaks = isPara ? (compact ? 1 : 2) : (isLine ? 1 : 0)
            let before = (pendingBreaks, output.utf8.count)
            if breaks > 0 { ensureBreaks(breaks) }
            children(node, depth: depth)
            // An empty block (Outlook's <o:p></o:p>, which libxml2 reads as <p>) lays out as nothing.
            if output.utf8.count == before.1 {
                // ...but Outlook's whitespace-only MsoNormal paragraph is an empty line in Outlook.
                if compact, Self.containsText(node) { write("\u{00A0}"); ensureBreaks(1); return }
                pendingBreaks = before.0; return
            }
            if breaks > 0 { ensureBreaks(breaks) }
        }

        static func containsText(_ node: UnsafeMutablePointer<xmlNode>, depth: Int = 0) -> Bool {
            var child = node.pointee.children
            while let c = child, depth < 50 {
                if c.pointee.type == XML_TEXT_NODE { return true }
                if c.pointee.type == XML_ELEMENT_NODE, containsText(c, depth: depth + 1) { return true }
                child = c.pointee.next
            }
            return false
        }

        func isQuoteContainer(name: String, attrs: [String: String]) -> Bool {
            let classes = (attrs["class"] ?? "").lowercased()
            let id = (attrs["id"] ?? "").lowercased()
            if name == "blockquote", (attrs["type"] ?? "").lowercased() == "cite" { return true }
            for marker in Self.quoteContainers {
                if classes.split(separator: " ").contains(where: { $0 == marker }) || id == marker { return true }
            }
            return false
        }

        func attributes(_ node: UnsafeMutablePointer<xmlNode>) -> [String: String] {
            var result: [String: String] = [:]
            var attr = node.pointee.properties
            while let a = attr {
                if let n = a.pointee.name {
                    var value = ""
                    var child = a.pointee.children
                    while let c = child {
                        if let content = c.pointee.content { value += String(cString: content) }
                        child = c.pointee.next
                    }
                    result[String(cString: n).lowercased()] = value
                }
                attr = a.pointee.next
            }
            return result
        }
    }
}
