import ArgumentParser
import Foundation
import LintService
import MailIngest
import ReplyQACore

/// `replyqa serve`: `replyqa lint` as a long-running local HTTP service for send pipelines.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve lint over HTTP: POST /lint checks one reply, GET /health answers when ready.",
        discussion: """
        The configuration, rules and dictionaries are loaded once, at start. POST /lint takes a reply as \
        message/rfc822, text/plain or text/html, or JSON {"text": ..., "channel": ..., "agent": ..., \
        "customer_message": ...}, and answers with what `replyqa lint --format json` prints (?format=sarif \
        or text; ?fail_on= sets the X-ReplyQA-Result header, pass or fail). A request body over \
        max_message_bytes gets 413, other bad input a 4xx with a JSON error. SIGTERM or SIGINT stops \
        accepting connections, lets requests in flight finish (up to --shutdown-grace seconds) and exits 0.
        """)

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on (loopback by default: the service has no authentication).") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one (the line on standard output says which).") var port = 8080
    @Option(name: .customLong("shutdown-grace"), help: ArgumentHelp(
        "Seconds requests in flight may take to finish after SIGTERM or SIGINT.", valueName: "seconds"))
    var shutdownGrace = 10

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if !(0...3600).contains(shutdownGrace) { throw ValidationError("--shutdown-grace must be a number of seconds from 0 to 3600") }
    }

    func run() throws {
        let file = try common.loadFile()
        let config = file.configuration
        let reviews = try ReviewSources.load(config: config, files: [])
        // One run that never ends: each reply keeps its own suggestion limit, the run has none,
        // so the service's answers stay those of `replyqa lint` however long it runs.
        let checkers = try common.loadCheckers(file, suggestionsPerRun: .max)
        let engine = LintEngine(config: config, checkers: checkers, version: ReplyQA.version,
                                review: { ReviewSources.apply(reviews, to: $0, scorecard: config.scorecard) })
        // Load every dictionary now (the spelling ones load on first use), so that the first
        // request is as fast as the others.
        if let warmUp = try? engine.message(from: Array("Hi Linda,\n\nYour order shipped today.\n\nBest regards,\nMaya".utf8),
                                            name: "warm-up") {
            _ = engine.lint(warmUp)
        }
        if !LintServer.isLoopback(host) {
            warn("replyqa serve: warning: listening on \(host): the service has no authentication; anyone who reaches this address can " +
                "use it")
        }
        var server = LintServer(engine: engine, host: host, port: port)
        server.shutdownGrace = .seconds(shutdownGrace)
        do {
            try server.runUntilShutdown { host, port in
                let shown = host.contains(":") ? "[\(host)]" : host
                // Written whole and at once: a script waiting for the port reads this line.
                FileHandle.standardOutput.write(Data(
                    "replyqa serve: listening on http://\(shown):\(port) (POST /lint, GET /health)\n".utf8))
            }
        } catch {
            throw RuntimeFailure("replyqa serve: \(error)")
        }
        print("replyqa serve: stopped")
    }
}
