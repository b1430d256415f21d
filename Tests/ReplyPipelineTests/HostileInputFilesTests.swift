import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hostile inputs and output folders through the built `replyqa`: FIFOs and sockets, symbolic link
/// loops, file names that are not UTF-8, forged or edited report folders, links and mount points at
/// `--out`, HTML nested too deep, bidi controls, NUL bytes and empty replies. Each run has a time
/// limit, so a regression that hangs fails instead of stalling the suite.
final class HostileInputFilesTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-hostile-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A reply of agent Maya to the customer Ann, with its own message id.
    static func reply(_ id: String, body: String = "Hi Ann,\n\nYour refund was sent today.\n\nBest regards,\nMaya",
                      subject: String = "Re: refund") -> String {
        "From: Maya Chen <maya@acme.example>\nTo: Ann Lee <ann@home.example>\nSubject: \(subject)\nMessage-ID: <\(id)@acme.example>\n"
            + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
    }

    func write(_ text: String, _ name: String, in folder: URL? = nil) throws {
        let url = (folder ?? dir).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Runs `replyqa` with a time limit; outputs go to files, so a full pipe cannot stall it either.
    func run(_ args: [String], executable: URL? = nil, seconds: Double = 20) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try executable ?? replyqaBinary()
        process.arguments = args
        let out = dir.appendingPathComponent(".out-\(UUID())"), err = dir.appendingPathComponent(".err-\(UUID())")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTFail("replyqa \(args.joined(separator: " ")) did not finish within \(seconds) s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Skipped inputs by file name, with their reasons.
    func skipped(_ doc: [String: Any]) -> [String: String] {
        let list = (doc["skipped"] as? [[String: Any]]) ?? ((doc["inputs"] as? [String: Any])?["skipped"] as? [[String: Any]]) ?? []
        var result: [String: String] = [:]
        for s in list { result[((s["path"] as? String ?? "") as NSString).lastPathComponent] = s["reason"] as? String }
        return result
    }

    // MARK: - (2) Only regular files are read

    func testFIFOsSocketsAndDevicesAreSkippedNotWaitedOn() throws {
        try write(Self.reply("ok"), "reply.eml")
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("pipe").path, 0o600), 0)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("stuck.eml").path, 0o600), 0)
        try bindSocket(dir.appendingPathComponent("sock").path)
        let extract = try run(["extract", "--format", "json", dir.path])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let doc = try json(extract.stdout)
        XCTAssertEqual((doc["replies"] as? [[String: Any]])?.count, 1)
        let reasons = skipped(doc)
        XCTAssertEqual(reasons["pipe"], "not a regular file: a FIFO (named pipe)")
        XCTAssertEqual(reasons["stuck.eml"], "not a regular file: a FIFO (named pipe)")
        XCTAssertEqual(reasons["sock"], "not a regular file: a socket")
        // Named on the command line, a FIFO or a device is skipped the same way.
        let named = try run(["check", "--format", "json", dir.appendingPathComponent("pipe").path, "/dev/null"])
        XCTAssertEqual(named.status, 0, named.stderr)
        let namedReasons = skipped(try json(named.stdout))
        XCTAssertEqual(namedReasons["pipe"], "not a regular file: a FIFO (named pipe)")
        XCTAssertEqual(namedReasons["null"], "not a regular file: a character device")
    }

    func bindSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0, "bind \(path)")
        close(fd)  // the socket file stays
    }

    // MARK: - (8) Symbolic links

    func testEachRealFileIsReadOnceAndLoopsAreReported() throws {
        let inner = dir.appendingPathComponent("inbox")
        try write(Self.reply("once"), "reply.eml", in: inner)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: inner.appendingPathComponent("up").path, withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: inner.appendingPathComponent("twin.eml").path, withDestinationPath: "reply.eml")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("l1").path, withDestinationPath: "l2")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("l2").path, withDestinationPath: "l1")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("gone.eml").path, withDestinationPath: "nothing-here.eml")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("same-inbox").path, withDestinationPath: "inbox")
        let extract = try run(["extract", "--format", "json", dir.path])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let doc = try json(extract.stdout)
        XCTAssertEqual((doc["replies"] as? [[String: Any]])?.count, 1, "one reply, read once")
        let reasons = skipped(doc)
        XCTAssertEqual(reasons["up"], "symbolic link loop: leads back to \(dir.path)")
        XCTAssertEqual(reasons["twin.eml"], "same file as \(inner.appendingPathComponent("reply.eml").path), read once")
        XCTAssertEqual(reasons["l1"], "symbolic link loop: the links lead back to each other")
        XCTAssertEqual(reasons["l2"], "symbolic link loop: the links lead back to each other")
        XCTAssertEqual(reasons["gone.eml"], "broken symbolic link: its target does not exist")
        XCTAssertEqual(reasons["same-inbox"], "same folder as \(inner.path), read once")
    }

    // MARK: - (9) File names that are not UTF-8

    func testNamesThatAreNotUTF8AreReadAndShown() throws {
        for k in 1...3 { try write(Self.reply("plain\(k)"), "reply\(k).eml") }
        // Two names that differ only in their invalid bytes, made with the POSIX API.
        for (byte, id) in [(UInt8(0xFF), "ff"), (UInt8(0xFE), "fe")] {
            let name = Array("caf".utf8) + [byte] + Array(".eml".utf8)
            let path = Array(dir.path.utf8) + [UInt8(ascii: "/")] + name + [0]
            let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(
                to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL, 0o600) } }
            XCTAssertGreaterThanOrEqual(fd, 0)
            let bytes = Array(Self.reply(id, body: "Hi Ann,\n\nReply \(id) is here.\n\nBest regards,\nMaya").utf8)
            XCTAssertEqual(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }, bytes.count)
            close(fd)
        }
        let out = dir.appendingPathComponent("report")
        let check = try run(["check", dir.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(check.status, 0, check.stderr)
        let report = try json(try String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8))
        let inputs = try XCTUnwrap(report["inputs"] as? [String: Any])
        XCTAssertEqual(inputs["files_read"] as? Int, 5, "every file is read, whatever its name")
        let replies = try XCTUnwrap(report["replies"] as? [[String: Any]])
        let files = Set(replies.compactMap { ($0["file"] as? String).map { ($0 as NSString).lastPathComponent } })
        XCTAssertEqual(files, ["reply1.eml", "reply2.eml", "reply3.eml", "caf\u{FFFD}.eml", "caf\\xFF.eml"])
        XCTAssertEqual(Set(replies.compactMap { $0["message_id"] as? String }),
                       ["plain1@acme.example", "plain2@acme.example", "plain3@acme.example",
                                                                                 "ff@acme.example", "fe@acme.example"],
                       "each file is read by its own bytes")
    }

    // MARK: - (10) --out replaces only what ReplyQA wrote

    func writeBatch() throws -> URL {
        let batch = dir.appendingPathComponent("batch")
        try write(Self.reply("a"), "a.eml", in: batch)
        try write(Self.reply("b", body: "Hi Ann,\n\nThe replacement ships on Monday.\n\nBest regards,\nMaya"), "b.eml", in: batch)
        return batch
    }

    func testAForgedReportFolderIsNotReplaced() throws {
        let batch = try writeBatch()
        let forged = dir.appendingPathComponent("forged")
        try write("{\"schema\":\"replyqa.report/1\"}", "report.json", in: forged)
        try write("my notes", "notes.txt", in: forged)
        let refused = try run(["check", batch.path, "--out", forged.path, "--quiet"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("was not written by ReplyQA"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: forged.appendingPathComponent("notes.txt"), encoding: .utf8), "my notes")
    }

    func testFilesAddedToOrChangedInAnEarlierReportAreKept() throws {
        let batch = try writeBatch()
        let out = dir.appendingPathComponent("report")
        XCTAssertEqual(try run(["check", batch.path, "--out", out.path, "--quiet"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(".replyqa-manifest").path))
        XCTAssertEqual(try run(["check", batch.path, "--out", out.path, "--quiet"]).status, 0, "an unchanged report is replaced")
        try write("reviewed, see ticket 7", "review.txt", in: out.appendingPathComponent("agents"))
        let added = try run(["check", batch.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(added.status, 1)
        XCTAssertTrue(added.stderr.contains("holds files ReplyQA did not write, or changed them since (agents/review.txt)"), added.stderr)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("agents/review.txt"), encoding: .utf8), "reviewed, see ticket 7")
        try FileManager.default.removeItem(at: out.appendingPathComponent("agents/review.txt"))
        try write("my own summary", "index.html", in: out)
        let changed = try run(["check", batch.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(changed.status, 1)
        XCTAssertTrue(changed.stderr.contains("(index.html)"), changed.stderr)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8), "my own summary")
    }

    func testOutAtASymbolicLinkWritesThroughIt() throws {
        let batch = try writeBatch()
        let real = dir.appendingPathComponent("real-report"), link = dir.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real-report")
        for _ in 0..<2 {
            let run = try run(["check", batch.path, "--out", link.path, "--quiet"])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "real-report", "the link stays a link")
            XCTAssertTrue(FileManager.default.fileExists(atPath: real.appendingPathComponent("report.json").path))
        }
    }

    func testOutAtAMountPointIsWrittenInPlace() throws {
        let batch = try writeBatch()
        let mount = dir.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        // A tmpfs mounted in a private mount namespace: it vanishes with the shell, and needs no
        // privileges beyond a user namespace.
        let probe = try run(["-rm", "sh", "-c", "mount -t tmpfs tmpfs '\(mount.path)'"],
                            executable: URL(fileURLWithPath: "/usr/bin/unshare"))
        guard probe.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(probe.stderr)") }
        let binary = try replyqaBinary().path
        let script = """
            set -e
            mount -t tmpfs tmpfs '\(mount.path)'
            '\(binary)' check '\(batch.path)' --out '\(mount.path)' --quiet
            '\(binary)' check '\(batch.path)' --out '\(mount.path)' --quiet
            ls -A '\(mount.path)'
            """
        let run = try run(["-rm", "sh", "-c", script], executable: URL(fileURLWithPath: "/usr/bin/unshare"), seconds: 40)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertFalse(run.stderr.contains("error 512"), run.stderr)
        let listed = run.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Report:") && !$0.contains(" replies, ") }
        XCTAssertEqual(Set(listed), [".replyqa-manifest", "agents", "agents.csv", "channels", "index.html", "replies.csv",
                                     "report.json", "summaries"])
    }

    // MARK: - (11) HTML nested too deep

    func testDeepHTMLFallsBackToThePlainPartOrFlatText() throws {
        let deep = String(repeating: "<div>", count: 300) + "We sent the refund today." + String(repeating: "</div>", count: 300)
        let head = "From: Maya Chen <maya@acme.example>\nTo: ann@home.example\nMIME-Version: 1.0\n"
        try write(head
            + "Message-ID: <alt@acme.example>\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
                  + "Hi Ann, the plain part.\n--b\nContent-Type: text/html\n\n<p>Hi Ann,</p>\(deep)\n--b--\n", "alternative.eml")
        try write(head + "Message-ID: <html@acme.example>\nContent-Type: text/html\n\n<p>Hi Ann,</p>\(deep)<p>Best, Maya</p>\n",
                  "html-only.eml")
        let extract = try run(["extract", "--format", "json", dir.path])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let replies = try XCTUnwrap(try json(extract.stdout)["replies"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: replies.map { ($0["message_id"] as? String ?? "", $0) })
        XCTAssertEqual(byID["alt@acme.example"]?["authored"] as? String, "Hi Ann, the plain part.")
        XCTAssertEqual(byID["alt@acme.example"]?["warnings"] as? [String],
                       ["HTML body is nested deeper than 256 levels; used the plain-text part"])
        let flat = try XCTUnwrap(byID["html@acme.example"]?["authored"] as? String)
        XCTAssertTrue(flat.contains("Hi Ann,") && flat.contains("We sent the refund today.") && flat.contains("Best, Maya"), flat)
        XCTAssertEqual(byID["html@acme.example"]?["warnings"] as? [String],
                       ["HTML body is nested deeper than 256 levels; the deeper part was read as flat text"])
    }

    // MARK: - (14) Bidi controls, NUL bytes, empty replies

    func testBidiControlsCannotDisguiseTextInTheReport() throws {
        let batch = dir.appendingPathComponent("batch")
        try write(Self.reply("bidi", body: "Hi Ann,\n\nPlease open \u{202E}gnp.exe and \u{2067}this\u{2069} once.\n\nBest regards,\nMaya",
                             subject: "Re: \u{202E}gnp.exe"), "bidi.eml", in: batch)
        let out = dir.appendingPathComponent("report")
        let check = try run(["check", batch.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(check.status, 0, check.stderr)
        let page = try String(contentsOf: out.appendingPathComponent("agents/maya-chen.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("Subject: Re: [U+202E]gnp.exe"), page)
        XCTAssertTrue(page.contains("Please open [U+202E]gnp.exe and [U+2067]this[U+2069] once."))
        for name in ["index.html", "agents/maya-chen.html", "channels/email.html"] {
            let html = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            XCTAssertFalse(html.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069)
                .contains($0.value) }, name)
        }
    }

    func testANULInTheBodyIsDroppedWithAWarning() throws {
        try write(Self.reply("nul", body: "Hi Ann,\u{0}\n\nYour refund was sent today.\n\nBest regards,\nMaya"), "nul.eml")
        try write("From: Maya <maya@acme.example>\nSubject: x\u{0}y\n\nHi\n", "header-nul.eml")
        let extract = try run(["extract", "--format", "json", dir.path])
        XCTAssertEqual(extract.status, 1, "the message with a NUL in its header still fails")
        let doc = try json(extract.stdout)
        let reply = try XCTUnwrap((doc["replies"] as? [[String: Any]])?.first)
        XCTAssertEqual(reply["authored"] as? String, "Hi Ann,\n\nYour refund was sent today.\n\nBest regards,")
        XCTAssertEqual(reply["warnings"] as? [String], ["the body text held 1 NUL character, dropped"])
        let errors = try XCTUnwrap(doc["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.map { ($0["path"] as? String ?? "" as String) }.map { ($0 as NSString).lastPathComponent },
                       ["header-nul.eml"])
    }

    func testAnEmptyReplyScoresZero() throws {
        try write(Self.reply("empty", body: "\n\nOn Mon, Ann Lee <ann@home.example> wrote:\n> Where is my refund?"), "empty.eml")
        let check = try run(["check", "--format", "json", dir.path])
        XCTAssertEqual(check.status, 0, check.stderr)
        let reply = try XCTUnwrap((try json(check.stdout)["replies"] as? [[String: Any]])?.first)
        let scores = try XCTUnwrap(reply["scores"] as? [String: Any])
        XCTAssertEqual(scores["overall"] as? Int, 0)
        XCTAssertEqual(scores["auto_failed"] as? [String], ["empty-reply"])
        XCTAssertEqual(Set((scores["categories"] as? [String: Int] ?? [:]).values), [0])
    }
}
