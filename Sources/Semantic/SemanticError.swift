import Foundation

/// Why the sentence-embedding model could not be loaded.
public enum SemanticError: Error, CustomStringConvertible, LocalizedError {
    /// No model folder, or one without the files the model needs.
    case modelMissing(path: String, missing: [String])
    case unreadable(String, String)
    case invalidModel(String, String)

    public var description: String {
        switch self {
        case let .modelMissing(path, missing):
            return "the all-MiniLM-L6-v2 model is not installed: \(path) lacks \(missing.joined(separator: ", ")); "
                + "run `bash .ci/install` from the repository root to install it"
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .invalidModel(path, reason): return "invalid model file \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
