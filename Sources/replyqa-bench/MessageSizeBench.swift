import ArgumentParser
import Foundation
import ReplyQACore

/// A child process's wall and CPU time, exit status and peak resident memory.
struct ChildRun {
    var seconds: Double
    /// User and system CPU time: what the run cost, whatever else the machine was doing.
    var cpuSeconds: Double
    var status: Int32
    /// Peak resident set size in bytes (`ru_maxrss` of this child alone).
    var peakBytes: Int
    var timedOut: Bool
}

/// Runs a program with its output discarded; kills it after `timeout` seconds. `wait4` gives the
/// child's own resource usage, so earlier children do not mask its peak memory.
func runChild(_ executable: String, _ arguments: [String], timeout: Double) throws -> ChildRun {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard rc == 0 else { throw ValidationError("cannot run \(executable): error \(rc)") }
    var status: Int32 = 0
    var usage = rusage()
    var timedOut = false
    while true {
        let done = wait4(pid, &status, WNOHANG, &usage)
        if done == pid { break }
        if done < 0 { throw ValidationError("waiting for \(executable) failed: errno \(errno)") }
        if Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > timeout, !timedOut {
            kill(pid, SIGKILL)
            timedOut = true
        }
        usleep(2_000)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    // Linux reports ru_maxrss in kilobytes.
    return ChildRun(seconds: seconds, cpuSeconds: cpu, status: status, peakBytes: Int(usage.ru_maxrss) * 1024, timedOut: timedOut)
}

/// `replyqa-bench message-size`: does `check` stay linear in the size of one reply?
struct MessageSizeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message-size",
        abstract: "`replyqa check` time and peak memory on one reply of growing size.",
        discussion: """
        Writes, in a temporary folder, one message per size whose reply is random English-like text \
        (sentences of common words, a few typos, paragraphs, wrapped lines), runs `replyqa check FILE \
        --format json` on each several times and reports the median time, the time per MB (also net of \
        a 10 KB reply's time: process start, dictionary loading and the few suggestion look-ups any \
        reply with typos makes), the time each further MB added since the size before, and the peak \
        resident memory. \
        Times are CPU seconds (user and system) of the `replyqa` process, so other work on the machine \
        does not blur them; wall seconds are shown too. Time per MB should stay flat as the reply \
        grows; memory should stay a small multiple of it: "net RSS / size" is the peak less the 10 KB \
        reply's peak (the process, its dictionaries and rules), over the message size.
        """)

    @Option(help: "Sizes of the reply text in MB, comma-separated.") var sizes = "0.1,0.5,1,5,10,20"
    @Option(help: "The replyqa executable to time (build it with -c release).") var replyqa = ".build/release/replyqa"
    @Option(help: "Runs per size (the median is reported).") var runs = 3
    @Option(help: "Give up on a run after this many seconds.") var timeout: Double = 600
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: ArgumentHelp("Write the messages here and keep them (default: a temporary folder, removed).",
                               valueName: "dir")) var keep: String?

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --product replyqa")
        }
        let megabytes = sizes.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !megabytes.isEmpty else { throw ValidationError("--sizes: no size given") }
        let dir = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-message-size-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        // The messages are over the default 25 MB limit only when asked for: lift it for them.
        let config = dir.appendingPathComponent("replyqa.yml")
        try "limits:\n  max_message_bytes: \(Int((megabytes.max()! + 1) * 1_048_576 * 1.1))\n".write(to: config, atomically: true,
                                                                                                     encoding: .utf8)

        func file(_ mb: Double, _ name: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(Self.message(replyBytes: Int(mb * 1_048_576), seed: seed).utf8).write(to: url)
            return url.path
        }
        func measure(_ path: String) throws -> (cpu: Double, wall: Double, peak: Int, failed: String?) {
            var cpu: [Double] = [], wall: [Double] = [], peak = 0
            for _ in 0..<runs {
                let r = try runChild(replyqa, ["check", path, "--format", "json", "--config", config.path, "--quiet"], timeout: timeout)
                if r.timedOut { return (r.cpuSeconds, timeout, r.peakBytes, String(format: "over %.0f s", timeout)) }
                // Exit 1 means an input failed, which would time the wrong thing.
                if r.status != 0 { return (r.cpuSeconds, r.seconds, r.peakBytes, "exit status \(r.status)") }
                cpu.append(r.cpuSeconds); wall.append(r.seconds); peak = max(peak, r.peakBytes)
            }
            return (median(cpu), median(wall), peak, nil)
        }
        let tiny = try measure(try file(0.01, "small.eml"))
        print(String(
            format: "10 KB reply: %.3f s CPU, %.3f s wall, peak %.1f MB: process start, loading, suggestions; subtracted for the net " +
                "figure",
                     tiny.cpu, tiny.wall, Double(tiny.peak) / 1_048_576))
        print("reply MB   CPU s    wall s   CPU s per MB   net CPU s per MB   CPU s per added MB   peak RSS MB   RSS / size   net RSS / " +
            "size")
        var perMB: [Double] = []
        var previous: (mb: Double, cpu: Double)? = nil
        for mb in megabytes {
            let path = try file(mb, String(format: "reply-%.3f.eml", mb))
            let actual = Double(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) / 1_048_576
            let m = try measure(path)
            if let failed = m.failed {
                print(String(format: "%8.3f   ", mb) + failed); continue
            }
            let net = max(0, m.cpu - tiny.cpu) / mb
            perMB.append(net)
            let added = previous.map { String(format: "%18.3f", (m.cpu - $0.cpu) / (mb - $0.mb)) }
                ?? String(repeating: " ", count: 17) + "-"
            previous = (mb, m.cpu)
            print(String(format: "%8.3f   %6.2f   %6.2f   %12.3f   %16.3f   ", mb, m.cpu, m.wall, m.cpu / mb, net) + added
                  + String(format: "   %11.1f   %10.1f   %14.1f", Double(m.peak) / 1_048_576, Double(m.peak) / 1_048_576 / actual,
                                  Double(max(0, m.peak - tiny.peak)) / 1_048_576 / actual))
            if keep == nil { try? FileManager.default.removeItem(atPath: path) }
        }
        if let lo = perMB.min(), let hi = perMB.max(), lo > 0 {
            print(String(format: "net CPU time per MB: largest / smallest %.2f (flat is 1; quadratic grows with the size)", hi / lo))
        }
    }

    static let vocabulary = ("the a to and of for your you we it is in on that this with have be will can order refund parcel " +
        "tent boots jacket delivery warehouse carrier label return exchange size colour card payment account password email " +
        "link app update store hours weekend discount code warranty stove valve pole strap backpack battery charger shipping " +
        "tracking address invoice receipt subscription plan weather trail camp river mountain ticket seat coffee please thanks " +
        "sorry happy help check send arrive today tomorrow week soon new old replacement team customer question issue again " +
        "sent received looked found noticed asked made sure already still just also right away from our their about when")
            .split(separator: " ").map(String.init)

    /// One message from an agent whose reply holds about `replyBytes` bytes of English-like text.
    static func message(replyBytes: Int, seed: UInt64) -> String {
        var rng = SeededRandom(seed: seed)
        func pick(_ n: UInt64) -> Int { Int(rng.next() % n) }
        var body = "Hi Linda,\n\n"
        body.reserveCapacity(replyBytes + 4096)
        var line = ""
        while body.utf8.count + line.utf8.count < replyBytes {
            var words: [String] = []
            for _ in 0..<(6 + pick(14)) {
                var w = vocabulary[pick(UInt64(vocabulary.count))]
                // About one word in a hundred is a typo: two letters swapped.
                if pick(100) == 0, w.count > 3 {
                    var c = Array(w); c.swapAt(1, 2); w = String(c)
                }
                if pick(40) == 0 { w = String(pick(1000)) }
                words.append(w)
            }
            words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
            if words.count > 8, pick(3) == 0 { words[words.count / 2] += "," }
            let sentence = words.joined(separator: " ") + (pick(8) == 0 ? "?" : ".")
            for piece in sentence.split(separator: " ") {
                if line.utf8.count + piece.utf8.count >= 72 { body += line + "\n"; line = "" }
                line += line.isEmpty ? String(piece) : " " + piece
            }
            if pick(5) == 0 { body += line + "\n\n"; line = "" }
        }
        body += line + "\n\nIs there anything else I can help with?\n\nBest regards,\nMaya\n"
        return """
            From: Maya Chen <maya@northwind.example>\r
            To: Linda Park <linda@example.com>\r
            Subject: Re: your order\r
            Message-ID: <size-\(replyBytes)@northwind.example>\r
            Date: Mon, 16 Nov 2026 10:00:00 +0000\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r

            """ + body.replacingOccurrences(of: "\n", with: "\r\n")
    }
}
