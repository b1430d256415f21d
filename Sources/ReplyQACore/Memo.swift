import Foundation

/// Keeps the last computed value and its key, so a checker's findings and the report share one
/// analysis of the same reply.
public final class Memo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var key = ""
    private var value: Value?
    public init() {}

    public func value(for key: String, compute: () -> Value) -> Value {
        lock.lock()
        if self.key == key, let v = value { lock.unlock(); return v }
        lock.unlock()
        let v = compute()
        lock.lock(); self.key = key; value = v; lock.unlock()
        return v
    }
}
