import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar with count and time left, on standard error when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    let started = Date()
    let lock = NSLock()
    var last = Date.distantPast
    var shown = false

    init(enabled: Bool) { self.enabled = enabled && isatty(2) != 0 }

    func update(_ phase: String, _ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        // A few redraws a second are enough, and keep the bar cheap on large batches.
        guard now.timeIntervalSince(last) > 0.1 || done == total else { return }
        last = now
        let width = 28
        let filled = width * done / total
        let elapsed = now.timeIntervalSince(started)
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let eta = done > 0 && done < total ? String(format: " · %.0f s left", left.rounded(.up)) : ""
        let line =
            "\r\(phase) " +
                "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total)\(eta)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        shown = true
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
