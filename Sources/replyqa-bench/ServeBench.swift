import ArgumentParser
import Foundation
import ReplyPipeline
import ReplyQACore

/// `replyqa serve` under load from Debian's `wrk` on loopback: throughput, latency, errors, memory.
struct ServeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "`replyqa serve` under `wrk` on loopback: requests/s, p50/p99 latency, errors, the server's RSS.",
        discussion: """
        Starts `replyqa serve --port 0` (the release build), writes every agent reply under PATH to a \
        wrk Lua script that posts them in turn as message/rfc822, then runs wrk for a warm-up of \
        --warmup requests and a measured run of --requests requests (each run stops at its count, \
        or at --max-seconds). Reports requests/s, latency percentiles, non-200 answers and socket \
        errors, and the server's resident memory at start, after the warm-up and after the run. \
        Traffic goes to 127.0.0.1 only. Debian: apt-get install wrk.
        """)

    @Argument(help: "Mail whose agent replies are posted.") var path = "Samples"
    @Option(help: "The replyqa executable to serve (build it with -c release --static-swift-stdlib).") var replyqa =
        ".build/release/replyqa"
    @Option(help: "Configuration file passed to serve.") var config: String?
    @Option(help: "Requests in the measured run.") var requests = 100_000
    @Option(help: "Requests before it, not measured (caches fill, memory settles).") var warmup = 5_000
    @Option(help: "Open connections wrk keeps.") var connections = 4
    @Option(help: "wrk threads.") var threads = 1
    @Option(name: .customLong("max-seconds"), help: "Upper bound on each wrk run, in seconds.") var maxSeconds = 600

    func validate() throws {
        if requests < 1 || warmup < 0 || connections < 1 || threads < 1 || threads > connections || maxSeconds < 1 {
            throw ValidationError(
                "--requests, --connections, --threads and --max-seconds must be positive, --threads at most --connections")
        }
    }

    func run() throws {
        guard let wrk = which("wrk") else { throw ValidationError("wrk is not installed (Debian: apt-get install wrk)") }
        guard FileManager.default.isExecutableFile(atPath: replyqa) else {
            throw ValidationError("\(replyqa) is not built: swift build -c release --static-swift-stdlib --product replyqa")
        }
        let configPath = config ?? (FileManager.default.fileExists(atPath: "\(path)/replyqa.yml") ? "\(path)/replyqa.yml" : nil)
        let bodies = try Self.replies(under: path, config: configPath)
        guard !bodies.isEmpty else { throw ValidationError("no agent replies under \(path)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replyqa-serve-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bodyFiles: [String] = []
        for (i, body) in bodies.enumerated() {
            let file = dir.appendingPathComponent("reply-\(i).eml")
            try body.write(to: file)
            bodyFiles.append(file.path)
        }
        let script = dir.appendingPathComponent("post-replies.lua")
        try Self.luaScript(files: bodyFiles).write(to: script, atomically: true, encoding: .utf8)

        let server = try ServerProcess(replyqa, ["serve", "--port", "0"] + (configPath.map { ["--config", $0] } ?? []))
        defer { server.stop() }
        let rssStart = server.rssKB()
        if warmup > 0 { _ = try runWrk(wrk, script: script, port: server.port, count: warmup) }
        let rssWarm = server.rssKB()
        let cpuBefore = server.cpuSeconds()
        let result = try runWrk(wrk, script: script, port: server.port, count: requests)
        let cpuPerRequest = (server.cpuSeconds() - cpuBefore) / Double(max(result.requests, 1))
        let rssEnd = server.rssKB()
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
            .joined(separator: " ") ?? "?"

        print("replyqa serve under wrk: \(bodies.count) sample replies posted in turn, \(connections) connections, \(threads) wrk " +
            "thread(s), \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(load)")
        print(String(format: "  %d requests in %.1f s: %.0f requests/s", result.requests, result.seconds,
                     Double(result.requests) / result.seconds))
        print(String(format: "  latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", result.p50 / 1000, result.p90 / 1000,
                     result.p99 / 1000, result.max / 1000))
        // CPU time per request does not depend on what else the machine runs, as wall time does.
        print(String(
            format: "  server CPU time per request: %.2f ms (user and system); %d cores busy with nothing else would serve at most %.0f " +
                "requests/s",
                     cpuPerRequest * 1000, ProcessInfo.processInfo.activeProcessorCount,
                         Double(ProcessInfo.processInfo.activeProcessorCount) / max(cpuPerRequest, 1e-9)))
        print("  errors: \(result.non200) non-200 answers, \(result.socketErrors) socket errors (connect, read, write, timeout)")
        print(String(
            format: "  server RSS: %.1f MB at start, %.1f MB after %d warm-up requests, %.1f MB after %d more (%+.1f%% over the run)",
                     rssStart / 1024, rssWarm / 1024, warmup, rssEnd / 1024, result.requests, (rssEnd - rssWarm) / max(rssWarm, 1) * 100))
        let target = Double(result.requests) / result.seconds >= 500 && result.p99 < 20_000 && result.non200 == 0
            && result.socketErrors == 0
        print("  target (at least 500 requests/s, p99 under 20 ms, no errors): \(target ? "met" : "not met")")
    }

    /// What one wrk run measured (latencies in microseconds).
    struct WrkResult {
        var requests: Int
        var seconds: Double
        var p50: Double, p90: Double, p99: Double, max: Double
        var non200: Int
        var socketErrors: Int
    }

    /// Runs wrk until every thread has had its share of `count` answers (or `--max-seconds`).
    func runWrk(_ wrk: String, script: URL, port: Int, count: Int) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t", "\(threads)", "-c", "\(connections)", "-d", "\(maxSeconds)s", "--timeout", "10s", "--latency",
                             "-s", script.path, "http://127.0.0.1:\(port)/lint"]
        var environment = ProcessInfo.processInfo.environment
        environment["REPLYQA_BENCH_REQUESTS"] = "\(count)"
        environment["REPLYQA_BENCH_THREADS"] = "\(threads)"
        let done = script.deletingLastPathComponent().appendingPathComponent("done-\(UUID())")
        try FileManager.default.createDirectory(at: done, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: done) }
        environment["REPLYQA_BENCH_DONE"] = done.path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        // Read the output as it comes, and stop wrk once every thread has had its count.
        nonisolated(unsafe) var data = Data()
        let reader = Thread { data = out.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        while process.isRunning {
            if ((try? FileManager.default.contentsOfDirectory(atPath: done.path)) ?? []).count >= threads {
                kill(process.processIdentifier, SIGINT)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        while !reader.isFinished { usleep(1_000) }
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("REPLYQA ") }) else {
            throw ValidationError("wrk failed (status \(process.terminationStatus)):\n\(text)")
        }
        var fields: [String: Double] = [:]
        for pair in line.split(separator: " ").dropFirst() {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { fields[String(kv[0])] = v }
        }
        return WrkResult(requests: Int(fields["requests"] ?? 0), seconds: (fields["duration_us"] ?? 1) / 1e6,
                         p50: fields["p50"] ?? 0, p90: fields["p90"] ?? 0, p99: fields["p99"] ?? 0, max: fields["max"] ?? 0,
                         non200: Int(fields["non200"] ?? 0), socketErrors: Int(fields["socket_errors"] ?? 0))
    }

    /// The raw message of every agent reply under `path` (mbox messages split out).
    static func replies(under path: String, config: String?) throws -> [Data] {
        let result = BatchProcessor(config: try Configuration.load(path: config)).run(paths: [path])
        var mboxes: [String: [Data]] = [:]
        return try result.replies.map { r in
            let parts = r.location.split(separator: "#")
            let source = String(parts[0])
            if parts.count == 2, let index = Int(parts[1]) {
                if mboxes[source] == nil { mboxes[source] = LintLatency.splitMbox(try Data(contentsOf: URL(fileURLWithPath: source))) }
                return mboxes[source]![index - 1]
            }
            return try Data(contentsOf: URL(fileURLWithPath: source))
        }
    }

    /// A wrk script: requests built once from the files, posted in turn; each thread stops after its
    /// share of the count; `done` prints one line of figures for the bench to read.
    static func luaScript(files: [String]) -> String {
        let list = files.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
        local files = {\(list)}
        local total = tonumber(os.getenv("REPLYQA_BENCH_REQUESTS"))
        local nthreads = tonumber(os.getenv("REPLYQA_BENCH_THREADS"))
        local doneDir = os.getenv("REPLYQA_BENCH_DONE")
        local threads = {}
        local counter = 0

        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
          table.insert(threads, thread)
        end

        function init(args)
          requests = {}
          for i, path in ipairs(files) do
            local f = assert(io.open(path, "rb"))
            local body = f:read("*a")
            f:close()
            requests[i] = wrk.format("POST", nil, {["Content-Type"] = "message/rfc822"}, body)
          end
          quota = math.floor(total / nthreads) + ((id < total % nthreads) and 1 or 0)
          answered = 0
          non200 = 0
          nextRequest = id
        end

        function request()
          nextRequest = nextRequest + 1
          return requests[(nextRequest % #requests) + 1]
        end

        function response(status, headers, body)
          answered = answered + 1
          if status ~= 200 then non200 = non200 + 1 end
          if answered == quota then
            -- wrk runs for its -d duration whatever its threads do: a file tells the bench this
            -- thread is through, and the bench stops wrk with SIGINT (wrk then reports as usual).
            local f = io.open(doneDir .. "/done-" .. id, "w")
            f:close()
            wrk.thread:stop()
          end
        end

        function done(summary, latency, requests)
          local bad = 0
          for _, t in ipairs(threads) do bad = bad + t:get("non200") end
          local e = summary.errors
          io.write(string.format("REPLYQA requests=%d duration_us=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f non200=%d socket_errors=%d\\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
            bad, e.connect + e.read + e.write + e.timeout))
        end
        """
    }
}

/// A server started for a benchmark: its port, from the line it prints, and its memory.
final class ServerProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = line.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression),
              let port = Int(line[range].split(separator: ":")[1]) else {
            process.terminate()
            throw ValidationError("\(executable) \(arguments.joined(separator: " ")) did not say its port: \(line)")
        }
        self.port = port
    }

    /// Resident memory in KB, from /proc.
    func rssKB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// User and system CPU time so far, from /proc (clock ticks of 1/100 s).
    func cpuSeconds() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        // The command name may hold spaces: the fields are counted after its closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM, then wait for the graceful exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
