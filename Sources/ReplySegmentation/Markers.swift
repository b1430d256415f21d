import Foundation

/// Line patterns that mark quoted history, signatures and footers, in English, German, French,
/// Spanish and a few other languages mail clients write. Each is matched against one line
/// (at most `Markers.maxMarkerLength` characters), so matching stays linear in the message size.
enum Markers {
    static let maxMarkerLength = 300

    static func regex(_ pattern: String, caseInsensitive: Bool = true) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// "-----Original Message-----", forwarded-message banners and the like: history starts here.
    static let originalMessage = regex(
        #"^\s*[-_=*]{2,}\s*(original message|ursprüngliche nachricht|original-nachricht|message d'origine|message original|mensaje original|messaggio originale|oorspronkelijk bericht|исходное сообщение|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*[-_=*]{2,}\s*$|^\s*(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:\s*$"#)

    /// One line of an Outlook-style header block ("From: ...", "Von: ...", "De : ...", "От: ...").
    static let headerField = regex(
        #"^\s*[*>]*\s*(from|sent|date|to|cc|subject|reply-to|von|gesendet|datum|an|betreff|de|envoyé|à|a|objet|enviado|fecha|para|asunto|от|отправлено|дата|кому|тема|копия|van|verzonden|aan|onderwerp|da|inviato|oggetto|från|skickat|till|ämne)\s*[*]*\s*:"#)
    static let fromField = regex(#"^\s*[*>]*\s*(from|von|de|от|van|da|från)\s*[*]*\s*:"#)

    /// A separator line an Outlook header block may sit under.
    static let separator = regex(#"^\s*(_{8,}|-{8,}|={8,})\s*$"#)

    /// The first line of an "On <date>, <name> wrote:" header, in several languages.
    static let onWroteStart = regex(#"^\s*(on|am|le|el|il|op|em|den|dnia|w dniu|в)\s"#)
    /// The end of such a header (it may wrap over up to four lines).
    static let wroteEnd = regex(
        #"(wrote|writes|schrieb|a écrit|a ecrit|escribió|escribio|scrisse|schreef|escreveu|skrev|napisał|написал|написала|пишет)\s*:\s*$"#)
    /// A line ending in ":" that names a date or an address, as Yandex, Mail.ru and localized
    /// Gmail write their quote headers ("26.06.2014, 14:41, "Alex" <a@example.com>:").
    static let attributionLine = regex(
        #"(@[\w.-]+\.[a-z]{2,}|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})[^\n]*:\s*$"#)

    /// Lines that mean a signature starts here.
    static let signatureDelimiter = regex(#"^\s*(--|-- |—|__)\s*$"#)
    static let mobileSignature = regex(
        #"^\s*(sent from|sent via|sent with|get outlook for|envoyé de mon|envoyé depuis|von meinem|gesendet von|enviado desde|inviato da|verzonden vanaf)\b[^,.;:!?]{0,45}[.!]?\s*$"#)
    static let dashName = regex(#"^\s*[-–—~]\s?\p{Lu}[\p{L}.'’-]*(\s\p{Lu}[\p{L}.'’-]*){0,2}\s*$"#, caseInsensitive: false)
    /// A complimentary close on a line of its own, optionally followed by a name on the same line.
    static let signOff = regex(
        #"^\s*(thanks( again| so much| a lot)?|thank you( again| so much)?|many thanks|cheers|best|all the best|best wishes|best regards|kind regards|kindest regards|warm regards|warmest regards|warm wishes|regards|sincerely|yours sincerely|yours truly|yours|respectfully|take care|talk soon|with thanks|mit freundlichen grüßen|mit freundlichen gruessen|freundliche grüße|viele grüße|beste grüße|liebe grüße|gruß|grüße|cordialement|bien cordialement|bien à vous|meilleures salutations|salutations|merci|saludos|saludos cordiales|un saludo|atentamente|gracias|un cordial saludo)\s*[,.!]*(?-i:(\s+\p{Lu}[\p{L}.'’-]*(\s\p{Lu}[\p{L}.'’-]*)?)?)\s*$"#)

    /// Lines that start a legal footer or a mailing-list trailer.
    static let footerStart = regex(
        #"^\s*(confidentiality notice|confidential(ity)?\s*:|disclaimer\b|this (e-?mail|message|communication) (and any|is confidential|is intended|may contain|contains confidential)|the information (contained )?in this (e-?mail|message)|if you are not the intended recipient|please consider the environment|[\w.-]+ mailing list\s*$|diese (e-?mail|nachricht) (enthält|ist vertraulich)|ce (message|courriel) (et|est confidentiel)|este (mensaje|correo) (y|es confidencial|contiene))"#)

    static func matches(_ regex: NSRegularExpression, _ line: Substring) -> Bool {
        guard line.utf16.count <= maxMarkerLength else { return false }
        let s = String(line)
        return regex.firstMatch(in: s, range: NSRange(location: 0, length: s.utf16.count)) != nil
    }
}
