import ArgumentParser
import Foundation
import ReplyQACore

/// `replyqa-bench helpdesk`: does a large helpdesk export stream, and is it as fast as the same mail?
struct HelpdeskBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdesk",
        abstract: "`replyqa check --out` on a generated Zendesk export and on the same conversations as .eml files.",
        discussion: """
        For each ticket count, writes in a temporary folder a Zendesk export of that many tickets (each \
        a customer's question and an agent's answer, HTML and plain bodies, with the users side-loaded), \
        as one API page (`{"tickets": [...], "users": [...]}`, form `json`) and as JSON lines (tickets \
        and users, form `jsonl`), and the same conversations as .eml files (multipart/alternative, the \
        answer threaded to the question by In-Reply-To, form `eml`). Runs `replyqa check PATH --out DIR` \
        on each form and reports wall and CPU time (user and system, of the replyqa process), CPU time \
        per ticket, peak resident memory and memory per ticket, then, per count, each export form's CPU \
        time per ticket against the .eml form's, and, per form, how memory grew from the smallest to the \
        largest count (the added memory per added ticket). Every run must score one reply per ticket.
        """)

    @Option(help: "Ticket counts, comma-separated.") var tickets = "10000,100000"
    @Option(help: "Forms to run, comma-separated: json, jsonl, eml.") var forms = "json,jsonl,eml"
    @Option(help: "The replyqa executable to time (build it with -c release).") var replyqa = ".build/release/replyqa"
    @Option(help: "Give up on a run after this many seconds.") var timeout: Double = 3600
    @Option(help: "Random seed.") var seed: UInt64 = 16
    @Option(help: ArgumentHelp("Write the inputs here and keep them (default: a temporary folder, removed).",
                               valueName: "dir")) var keep: String?

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --product replyqa")
        }
        let counts = tickets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !counts.isEmpty else { throw ValidationError("--tickets: no count given") }
        let chosen = forms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !chosen.isEmpty, chosen.allSatisfy(["json", "jsonl", "eml"].contains) else { throw ValidationError(
            "--forms: json, jsonl or eml") }
        let dir = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-helpdesk-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        let config = dir.appendingPathComponent("replyqa.yml")
        try "support_domains: [northwind.example]\n".write(to: config, atomically: true, encoding: .utf8)

        print("form    tickets   input MB    wall s     CPU s   CPU ms/ticket   peak RSS MB   RSS KB/ticket")
        var results: [String: [(count: Int, cpuPerTicket: Double, peak: Int)]] = [:]
        for count in counts {
            let generator = Generator(seed: seed)
            var perTicket: [String: Double] = [:]
            for form in chosen {
                let input = dir.appendingPathComponent("\(form)-\(count)\(form == "eml" ? "" : "." + form)")
                switch form {
                case "json": try generator.writeDocument(count, to: input)
                case "jsonl": try generator.writeLines(count, to: input)
                default: try generator.writeMail(count, to: input)
                }
                let size = try Self.bytes(input)
                let out = dir.appendingPathComponent("report-\(form)-\(count)")
                let r = try runChild(replyqa, ["check", input.path, "--out", out.path, "--config", config.path, "--quiet"],
                                     timeout: timeout)
                defer {
                    try? FileManager.default.removeItem(at: out)
                    if keep == nil { try? FileManager.default.removeItem(at: input) }
                }
                if r.timedOut { print(String(format: "%-6@  %7d   over %.0f s", form, count, timeout)); continue }
                let replies = Self.rows(out.appendingPathComponent("replies.csv"))
                guard r.status == 0, replies == count else {
                    print(String(format: "%-6@  %7d   exit status %d, %d replies scored", form, count, r.status, replies))
                    continue
                }
                let perTicketMS = r.cpuSeconds / Double(count) * 1000
                perTicket[form] = perTicketMS
                results[form, default: []].append((count, perTicketMS, r.peakBytes))
                print(String(format: "%-6@  %7d   %8.1f   %7.1f   %7.1f   %13.3f   %11.1f   %13.2f", form, count, Double(size) / 1_048_576,
                             r.seconds, r.cpuSeconds, perTicketMS, Double(r.peakBytes) / 1_048_576,
                                 Double(r.peakBytes) / 1024 / Double(count)))
            }
            if let eml = perTicket["eml"] {
                for form in ["json", "jsonl"] {
                    guard let t = perTicket[form] else { continue }
                    print(String(format: "%d tickets: %@ CPU time per ticket / eml: %.2f (target at most 1.5)", count, form, t / eml))
                }
            }
        }
        for form in chosen {
            guard let runs = results[form], let small = runs.first, let large = runs.last, large.count > small.count else { continue }
            let added = Double(large.peak - small.peak) / 1024 / Double(large.count - small.count)
            print(String(format: "%@: %d → %d tickets (×%.0f): peak RSS ×%.2f, %.2f KB per added ticket", form, small.count, large.count,
                         Double(large.count) / Double(small.count), Double(large.peak) / Double(max(small.peak, 1)), added))
        }
    }

    /// Bytes of a file, or of the files in a folder.
    static func bytes(_ url: URL) throws -> Int {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { return 0 }
        if !isDir.boolValue { return try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0 }
        return try FileManager.default.contentsOfDirectory(atPath: url.path).reduce(0) { total, name in
            total + (try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(name).path)[.size] as? Int ?? 0)
        }
    }

    /// Data rows of a CSV report (its lines less the header; a reply's text holds no line break there).
    static func rows(_ url: URL) -> Int {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return -1 }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        return lines - 1
    }
}

/// The generated conversations: the same text for every form, from the seed.
struct Generator {
    static let agents = ["Maya Chen", "Tom Becker", "Priya Nair", "Sam Rivera", "Nina Patel", "Omar Said", "Ivy Moss", "Kai Young",
                         "Lena Park", "Rui Costa", "Ada Quinn", "Ben Ito", "Cleo Hart", "Dev Rao", "Eva Lund", "Finn Obi",
                         "Gia Russo", "Hugo Lam", "Iris Vega", "Jon Berg"]
    static let firstNames = ["Ann", "Ben", "Cara", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lu", "Mo", "Ned", "Ola", "Pia"]
    static let lastNames = ["Lee", "Ortiz", "Diaz", "Wu", "Stone", "Moreau", "Berg", "Ito", "Novak", "Silva", "Khan", "Meyer"]
    static let channels = ["email", "web", "chat"]
    static let questions = ["Where is my order?", "Can I get a refund?", "How do I reset my password?",
                            "Can I change the delivery address?",
                            "Is the tent back in stock?", "Why was my card charged twice?", "How long does the warranty last?"]

    var seed: UInt64

    struct Ticket {
        var id: Int
        var subject: String
        var customer: (first: String, name: String, email: String, id: Int)
        var agent: (name: String, email: String, id: Int)
        var channel: String
        var question: String
        var answer: [String]
        var asked: Date
        var answered: Date
    }

    func ticket(_ n: Int) -> Ticket {
        var rng = SeededRandom(seed: seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        func pick(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
        func sentence() -> String {
            var words = (0..<(6 + pick(12))).map { _ in MessageSizeBench.vocabulary[pick(MessageSizeBench.vocabulary.count)] }
            words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
            return words.joined(separator: " ") + "."
        }
        let first = Self.firstNames[pick(Self.firstNames.count)], last = Self.lastNames[pick(Self.lastNames.count)]
        let agent = pick(Self.agents.count)
        let agentName = Self.agents[agent]
        let question = Self.questions[pick(Self.questions.count)] + " " + sentence()
        var answer = ["Hi \(first),"]
        for _ in 0..<(2 + pick(3)) { answer.append((0..<(1 + pick(3))).map { _ in sentence() }.joined(separator: " ")) }
        answer.append("Best regards,\n\(agentName.split(separator: " ")[0])")
        let asked = Date(timeIntervalSince1970: 1_794_787_200 + Double(n * 60))
        return Ticket(id: n, subject: "Order \(10_000 + n)",
                      customer: (first, "\(first) \(last)", "customer\(n)@mail.example", 1_000_000 + n),
                      agent: (agentName, agentName.lowercased().replacingOccurrences(of: " ", with: ".") + "@northwind.example", agent + 1),
                      channel: Self.channels[pick(Self.channels.count)], question: question, answer: answer,
                      asked: asked, answered: asked.addingTimeInterval(1800))
    }

    static func iso(_ d: Date) -> String { d.iso8601 }

    /// JSON text of a string (the generated text needs only quotes, backslashes and line breaks escaped).
    static func json(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func html(_ paragraphs: [String]) -> String {
        paragraphs.map { "<p>" + $0.replacingOccurrences(of: "\n", with: "<br>") + "</p>" }.joined()
    }

    func ticketJSON(_ t: Ticket) -> String {
        let answerText = t.answer.joined(separator: "\n\n")
        let head = #"{"id": \#(t.id), "subject": \#(Self.json(t.subject)), "requester_id": \#(t.customer.id), "status": "solved", "#
            + #""via": {"channel": \#(Self.json(t.channel))}, "created_at": "\#(Self.iso(t.asked))", "comments": ["#
        let question = #"{"id": \#(t.id * 10 + 1), "type": "Comment", "author_id": \#(t.customer.id), "public": true, "#
            + #""created_at": "\#(Self.iso(t.asked))", "plain_body": \#(Self.json(t.question)), "#
            + #""html_body": \#(Self.json(Self.html([t.question]))), "via": {"channel": \#(Self.json(t.channel))}, "attachments": []}, "#
        let answer = #"{"id": \#(t.id * 10 + 2), "type": "Comment", "author_id": \#(t.agent.id), "public": true, "#
            + #""created_at": "\#(Self.iso(t.answered))", "plain_body": \#(Self.json(answerText)), "#
            + #""html_body": \#(Self.json(Self.html(t.answer))), "via": {"channel": "web"}, "attachments": []}]}"#
        return head + question + answer
    }

    func usersJSON(_ count: Int) -> [String] {
        Self.agents.enumerated().map { i, name in
            let email = name.lowercased().replacingOccurrences(of: " ", with: ".") + "@northwind.example"
            return #"{"id": \#(i + 1), "name": \#(Self.json(name)), "email": "\#(email)", "role": "agent"}"#
        } + (1...count).map { n in
            let t = ticket(n)
            return #"{"id": \#(t.customer.id), "name": \#(Self.json(t.customer.name)), "email": "\#(t.customer.email)", "#
                + #""role": "end-user"}"#
        }
    }

    /// Writes lines through a buffer, so a large export is never one string in memory.
    func write(_ url: URL, _ body: ((String) -> Void) -> Void) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw ValidationError("cannot write \(url.path)") }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer = ""
        body { piece in
            buffer += piece
            if buffer.utf8.count > 1 << 20 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
    }

    /// The incremental export as one page: tickets, then the side-loaded users.
    func writeDocument(_ count: Int, to url: URL) throws {
        try write(url) { out in
            out("{\n  \"tickets\": [\n")
            for n in 1...count { out("    " + ticketJSON(ticket(n)) + (n == count ? "\n" : ",\n")) }
            out("  ],\n  \"users\": [\n")
            let users = usersJSON(count)
            for (i, u) in users.enumerated() { out("    " + u + (i == users.count - 1 ? "\n" : ",\n")) }
            out("  ],\n  \"count\": \(count),\n  \"end_of_stream\": true,\n  \"next_page\": null\n}\n")
        }
    }

    /// JSON lines: one ticket a line, then one user a line.
    func writeLines(_ count: Int, to url: URL) throws {
        try write(url) { out in
            for n in 1...count { out(ticketJSON(ticket(n)) + "\n") }
            for u in usersJSON(count) { out(u + "\n") }
        }
    }

    /// Each ticket as two messages: the question and the threaded answer (text and HTML alternatives).
    func writeMail(_ count: Int, to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        func message(_ headers: [String], text: String, html: String) -> Data {
            let boundary = "=_alt"
            return Data((headers + ["MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "",
                                    "--\(boundary)",
                                    "Content-Type: text/plain; charset=utf-8", "", text, "--\(boundary)",
                                    "Content-Type: text/html; charset=utf-8", "",
                                    html, "--\(boundary)--", ""]).joined(separator: "\r\n").replacingOccurrences(of: "\r\n", with: "\n")
                            .replacingOccurrences(of: "\n", with: "\r\n").utf8)
        }
        for n in 1...count {
            let t = ticket(n)
            let questionID = "<zendesk-\(n)-1@mail.example>"
            let q = message(["From: \(t.customer.name) <\(t.customer.email)>", "To: Northwind Support <support@northwind.example>",
                             "Subject: \(t.subject)", "Date: \(f.string(from: t.asked))", "Message-ID: \(questionID)"],
                            text: t.question, html: Self.html([t.question]))
            let a = message(["From: \(t.agent.name) <\(t.agent.email)>", "To: \(t.customer.name) <\(t.customer.email)>",
                             "Subject: Re: \(t.subject)", "Date: \(f.string(from: t.answered))",
                             "Message-ID: <zendesk-\(n)-2@northwind.example>",
                             "In-Reply-To: \(questionID)"],
                            text: t.answer.joined(separator: "\n\n"), html: Self.html(t.answer))
            try q.write(to: dir.appendingPathComponent(String(format: "t%07d-1.eml", n)))
            try a.write(to: dir.appendingPathComponent(String(format: "t%07d-2.eml", n)))
        }
    }
}
