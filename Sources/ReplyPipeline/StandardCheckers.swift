import ReplyQACore
import Spelling

/// The checkers a normal run uses, built once per run from the configuration.
public enum StandardCheckers {
    public static func make(config: Configuration) throws -> CheckerRegistry {
        var registry = CheckerRegistry()
        registry.register(SpellingChecker(service: try SpellingService(config: config)))
        return registry
    }
}
