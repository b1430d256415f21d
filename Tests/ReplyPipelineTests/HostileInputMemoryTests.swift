import XCTest
import Foundation
import ReplyPipeline
import ReplyQACore

/// Peak memory of `replyqa check` on one long reply: a small multiple of the message, not of the
/// number of words in it (whole-text token arrays, per-line strings and a scalar array each cost
/// 10 to 50 bytes a character).
final class HostileInputMemoryTests: XCTestCase {
    /// Peak resident memory in bytes of one `replyqa` run, from the child's own resource usage.
    static func peakBytes(_ arguments: [String]) throws -> Int {
        let binary = try replyqaBinary().path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        XCTAssertEqual(status, 0, "replyqa \(arguments.joined(separator: " ")) failed")
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    }

    func testALongReplyIsCheckedInMemoryUnderTenTimesItsSize() throws {
        let dir = try scratchFolder(self, "memory")
        func write(_ name: String, bytes: Int) throws -> String {
            // A card number at the very end: the privacy check reads the whole reply.
            let body = "Hi Linda,\n\n" + HostileInputTimeTests.prose(bytes: bytes)
                + "\n\nYour card 4111 1111 1111 1111 is on file.\n\nBest regards,\nMaya\n"
            let message = "From: Maya Chen <maya@northwind.example>\nTo: Linda Park <linda@example.com>\nSubject: Re: order\n"
                + "Message-ID: <\(name)@northwind.example>\nContent-Type: text/plain; charset=utf-8\n\n" + body
            let file = dir.appendingPathComponent("\(name).eml")
            try Data(message.utf8).write(to: file)
            return file.path
        }
        let size = 2_000_000
        let small = try write("small", bytes: 10_000), long = try write("long", bytes: size)
        let base = try Self.peakBytes(["check", small, "--format", "json"])
        let peak = try Self.peakBytes(["check", long, "--format", "json"])
        // What the long reply adds over a small one (process, dictionaries and rules are the same).
        let added = peak - base
        XCTAssertLessThan(added, 10 * size,
                          "a \(size / 1_000_000) MB reply added \(added / 1_048_576) MB over a small one (\(base / 1_048_576) MB)")
        let out = dir.appendingPathComponent("report").path
        let reportPeak = try Self.peakBytes(["check", long, "--out", out, "--quiet"])
        XCTAssertLessThan(reportPeak - base, 10 * size, "writing the report added \((reportPeak - base) / 1_048_576) MB")
        let page = try String(contentsOfFile: out + "/agents/maya-chen.html", encoding: .utf8)
        XCTAssertTrue(page.contains("more characters not shown"), "a page shows at most the start of a very long reply")
        XCTAssertLessThan(page.utf8.count, 1_000_000)
        let json = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        XCTAssertTrue(json.contains("card-number"), "the card number at the end of the long reply is found")
    }
}
