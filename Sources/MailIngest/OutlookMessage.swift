import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ReplyQACore

/// Outlook `.msg` files, read through `msgconvert` (Debian's `libemail-outlook-message-perl`), a
/// maintained converter, rather than a parser of Outlook's container format of our own: the file is
/// converted to MIME, which is then read like any `.eml` file.
public enum OutlookMessage {
    /// The start of an OLE compound file, the container of Outlook `.msg` files.
    public static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// The converter's name, looked for on `PATH`.
    public static let converterName = "msgconvert"

    /// Why an Outlook file is not read when the converter is missing, and what to do.
    public static let notInstalled =
        "Outlook .msg file: msgconvert is not installed (Debian package libemail-outlook-message-perl); install it, or save the message " +
            "as .eml"

    /// How long one conversion may take before it is stopped.
    public static let timeoutSeconds = 60

    /// Whether bytes are in Outlook's container format.
    public static func isOutlook(_ bytes: some Collection<UInt8>) -> Bool { bytes.starts(with: magic) }

    /// The converter's path: the first executable `msgconvert` on `searchPath` (`PATH` by default).
    public static func converter(searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for dir in (searchPath ?? "").split(separator: ":") where !dir.isEmpty {
            let candidate = (String(dir) as NSString).appendingPathComponent(converterName)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
               access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The message an Outlook file holds, as MIME bytes. `name` is what errors call the input. The
    /// MIME form may be larger than the file (attachments become base64): up to twice
    /// `limits.max_message_bytes` is accepted.
    public static func mime(_ bytes: [UInt8], name: String, limits: Limits, converter: String? = converter(),
                            timeoutSeconds: Int = timeoutSeconds) throws(IngestError) -> [UInt8] {
        guard let converter else { throw IngestError(path: name, reason: notInstalled) }
        // The converter reads a file: the bytes go to a private temporary folder, removed afterwards.
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("replyqa-msg-XXXXXX").utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw IngestError(path: name,
                              reason: "cannot convert the Outlook file: no temporary folder (\(String(cString: strerror(errno))))")
        }
        let file = (dir as NSString).appendingPathComponent("message.msg")
        defer {
            unlink(file)
            rmdir(dir)
        }
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw IngestError(path: name, reason: "cannot convert the Outlook file: cannot write a temporary copy")
        }
        let limit = limits.maxMessageBytes > Int.max / 2 ? Int.max : limits.maxMessageBytes * 2
        let run: ChildProcess.Result
        do {
            run = try ChildProcess.run(converter, ["--outfile", "-", file], outputLimit: limit, timeoutSeconds: timeoutSeconds)
        } catch {
            throw IngestError(path: name, reason: "cannot run msgconvert: \(error.reason)")
        }
        switch run.ending {
        case .timedOut: throw IngestError(path: name, reason: "msgconvert did not finish within \(timeoutSeconds) seconds")
        case .outputTooLarge: throw IngestError(path: name,
            reason: "the converted message is over \(limit / 1_048_576) MB (twice limits.max_message_bytes)")
        case .exited(let status) where status != 0 || run.output.isEmpty:
            throw IngestError(path: name,
                              reason: "msgconvert could not convert it: \(reason(run.errors, status: status, copy: file, name: name))")
        case .signalled(let signal):
            throw IngestError(path: name, reason: "msgconvert stopped on signal \(signal)")
        case .exited:
            // A damaged file can still give a message of nothing but the conversion's own Date.
            guard hasMessageHeaders(run.output) else {
                throw IngestError(path: name, reason: "msgconvert found no message in it (a damaged or truncated file)")
            }
            return run.output
        }
    }

    /// Whether a MIME header names a sender, recipient, subject or message id.
    static func hasMessageHeaders(_ mime: [UInt8]) -> Bool {
        // Bytes, not Characters: "\r\n" is one Character and would hide the line ends.
        for line in mime.prefix(65_536).split(separator: 0x0A, omittingEmptySubsequences: false) {
            let l = line.last == 0x0D ? line.dropLast() : line[...]
            if l.isEmpty { break }
            let name = String(decoding: l.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self).lowercased()
            if ["from", "to", "cc", "subject", "message-id"].contains(name) { return true }
        }
        return false
    }

    /// The converter's complaint in one line, without Perl's "at /usr/bin/msgconvert line 45." tail.
    /// `copy` (the temporary file the converter read) is named as the input it stands for.
    static func reason(_ errors: [UInt8], status: Int32, copy: String, name: String) -> String {
        let text = String(decoding: errors, as: UTF8.self)
        guard var line = text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) })
            .first(where: { !$0.isEmpty }) else {
            return "exit status \(status)"
        }
        if let at = line.range(of: #" at \S+ line \d+\.?$"#, options: .regularExpression) { line.removeSubrange(at) }
        if line.count > 300 { line = String(line.prefix(300)) + "…" }
        return line.replacingOccurrences(of: copy, with: name)
    }
}

/// A child process run to its end with no input, its output and error output collected up to
/// limits, and stopped when it runs too long: a converter that hangs or floods cannot stall a batch.
enum ChildProcess {
    enum Ending: Equatable { case exited(Int32), signalled(Int32), timedOut, outputTooLarge }

    struct Result {
        var output: [UInt8]
        var errors: [UInt8]
        var ending: Ending
    }

    struct Failure: Error { var reason: String }

    static func run(_ executable: String, _ arguments: [String], outputLimit: Int, errorLimit: Int = 16_384,
                    timeoutSeconds: Int) throws(Failure) -> Result {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw Failure(reason: String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw Failure(reason: String(cString: strerror(spawned)))
        }
        defer { close(outPipe[0]); close(errPipe[0]) }

        var output: [UInt8] = [], errors: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var ending: Ending? = nil
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutSeconds) * 1_000_000_000
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { ending = .timedOut; break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min((deadline - now) / 1_000_000 + 1, 1000)))
            if ready < 0 { if errno == EINTR { continue }; break }
            for p in fds where p.revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    open.removeAll { $0 == p.fd }
                    continue
                }
                if p.fd == outPipe[0] { output.append(contentsOf: chunk[0..<n]) }
                else if errors.count < errorLimit { errors.append(contentsOf: chunk[0..<min(n, errorLimit - errors.count)]) }
            }
            if output.count > outputLimit { ending = .outputTooLarge; break }
        }
        if ending != nil { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let ending { return Result(output: [], errors: errors, ending: ending) }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7F
        return Result(output: output, errors: errors, ending: signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal))
    }
}
