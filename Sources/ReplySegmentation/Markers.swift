import Foundation
import ReplyQACore

/// A line pattern that marks quoted history, a signature or a footer. It is matched against one
/// line of at most `Markers.maxMarkerLength` characters, so matching stays linear in the message size.
public struct LineMarker: Sendable {
    let regex: NSRegularExpression

    func matches(_ line: Substring) -> Bool {
        guard line.utf16.count <= Markers.maxMarkerLength else { return false }
        let s = String(line)
        return regex.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)) != nil
    }
}

/// The line markers of `Dictionaries/segmentation/markers.yml`, compiled.
public struct Markers: Sendable {
    static let maxMarkerLength = 300

    /// "-----Original Message-----", forwarded-message banners and the like: history starts here.
    let originalMessage: LineMarker
    /// One line of an Outlook-style header block, and the one that names the sender.
    let headerField: LineMarker, fromField: LineMarker
    /// A separator line an Outlook header block may sit under.
    let separator: LineMarker
    /// The first and last line of an "On <date>, <name> wrote:" header.
    let onWroteStart: LineMarker, wroteEnd: LineMarker
    /// A line ending in ":" that names a date or an address.
    let attributionLine: LineMarker
    /// Lines that mean a signature starts here.
    let signatureDelimiter: LineMarker, mobileSignature: LineMarker, dashName: LineMarker, signOff: LineMarker
    /// Lines that start a legal footer or a mailing-list trailer.
    let footerStart: LineMarker

    /// One way of writing a marker, as the file gives it.
    struct Form: Decodable {
        var pattern: String
        /// Phrases by language, for the pattern's `{phrases}` slot.
        var phrases: [String: [String]]?
        var caseSensitive: Bool?
        enum CodingKeys: String, CodingKey { case pattern, phrases, caseSensitive = "case_sensitive" }
    }

    /// The file's shape: each marker's forms.
    struct File: Decodable {
        var originalMessage, headerField, fromField, separator, onWroteStart, wroteEnd, attributionLine: [Form]
        var signatureDelimiter, mobileSignature, dashName, signOff, footerStart: [Form]
        enum CodingKeys: String, CodingKey {
            case originalMessage = "original_message", headerField = "header_field", fromField = "from_field", separator
            case onWroteStart = "on_wrote_start", wroteEnd = "wrote_end", attributionLine = "attribution_line"
            case signatureDelimiter = "signature_delimiter", mobileSignature = "mobile_signature", dashName = "dash_name"
            case signOff = "sign_off", footerStart = "footer_start"
        }
    }

    public static let relativePath = "segmentation/markers.yml"

    /// Reads and compiles the markers of the dictionaries folder.
    public static func load(locator: DictionaryLocator) throws -> Markers {
        let path = locator.file(relativePath)?.path ?? relativePath
        return try Markers(DataFile.load(File.self, relativePath, locator: locator, what: "segmentation markers"), file: path)
    }

    init(_ f: File, file: String) throws {
        func compile(_ name: String, _ forms: [Form]) throws -> LineMarker {
            guard !forms.isEmpty else { throw DataFileError(description: "\(file): \(name) has no forms") }
            // One case setting per marker: every form of it shares one regular expression.
            let sensitive = forms.first?.caseSensitive ?? false
            guard forms.allSatisfy({ ($0.caseSensitive ?? false) == sensitive }) else {
                throw DataFileError(description: "\(file): \(name): every form must have the same case_sensitive")
            }
            let patterns = try forms.enumerated().map { k, form in try Self.pattern(form, at: "\(name)[\(k)]", file: file) }
            let pattern = patterns.joined(separator: "|")
            if let why = PatternCheck.backtrackingRisk(pattern) { throw DataFileError(description: "\(file): \(name): \(why)") }
            do { return LineMarker(regex: try NSRegularExpression(pattern: pattern, options: sensitive ? [] : [.caseInsensitive])) }
            catch { throw DataFileError(description: "\(file): \(name): bad regular expression \(pattern)") }
        }
        originalMessage = try compile("original_message", f.originalMessage)
        headerField = try compile("header_field", f.headerField)
        fromField = try compile("from_field", f.fromField)
        separator = try compile("separator", f.separator)
        onWroteStart = try compile("on_wrote_start", f.onWroteStart)
        wroteEnd = try compile("wrote_end", f.wroteEnd)
        attributionLine = try compile("attribution_line", f.attributionLine)
        signatureDelimiter = try compile("signature_delimiter", f.signatureDelimiter)
        mobileSignature = try compile("mobile_signature", f.mobileSignature)
        dashName = try compile("dash_name", f.dashName)
        signOff = try compile("sign_off", f.signOff)
        footerStart = try compile("footer_start", f.footerStart)
    }

    /// A form's pattern with its phrases (every language's, languages in name order) as alternatives.
    static func pattern(_ form: Form, at place: String, file: String) throws -> String {
        let slot = "{phrases}"
        let phrases = (form.phrases ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value)
        switch (form.pattern.contains(slot), phrases.isEmpty) {
        case (true, true): throw DataFileError(description: "\(file): \(place): the pattern has a {phrases} slot but no phrases")
        case (false, false): throw DataFileError(description: "\(file): \(place): phrases are given but the pattern has no {phrases} slot")
        case (true, false): return form.pattern.replacingOccurrences(of: slot, with: phrases.joined(separator: "|"))
        case (false, true): return form.pattern
        }
    }
}
