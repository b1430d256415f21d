// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ReplyQA",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "replyqa", targets: ["replyqa"]),
        .executable(name: "replyqa-eval", targets: ["replyqa-eval"]),
        .executable(name: "replyqa-bench", targets: ["replyqa-bench"]),
        .library(name: "ReplyPipeline", targets: ["ReplyPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // System libraries (Debian: libgmime-3.0-dev, libxml2-dev, libhunspell-dev).
        .systemLibrary(name: "CGMime", pkgConfig: "gmime-3.0", providers: [.apt(["libgmime-3.0-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CHunspell", pkgConfig: "hunspell", providers: [.apt(["libhunspell-dev", "hunspell-en-us"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Shared value types: findings, spans, configuration, the checker seam.
        .target(name: "ReplyQACore", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Ingest: bytes (eml, mbox, Maildir) to decoded messages; HTML to structured text.
        .target(name: "MailIngest", dependencies: ["CGMime", "CLibXML2", "ReplyQACore"]),
        // Segment: authored text vs. quoted history, signature and footer.
        .target(name: "ReplySegmentation", dependencies: ["ReplyQACore"]),
        // Words, sentences and skip zones of a reply's text.
        .target(name: "TextAnalysis", dependencies: ["ReplyQACore"]),
        // Check: spelling with Hunspell.
        .target(name: "Spelling", dependencies: ["CHunspell", "TextAnalysis", "ReplyQACore"]),
        // Check: grammar and style rules read from Dictionaries/grammar.
        .target(name: "Grammar", dependencies: ["TextAnalysis", "ReplyQACore", .product(name: "Yams", package: "Yams")]),
        // Check: privacy and safety (customer data, internal notes, placeholders, attachments, names).
        .target(name: "Safety", dependencies: ["TextAnalysis", "ReplyQACore", .product(name: "Yams", package: "Yams")]),
        // Check: near-duplicate (canned) replies across a batch.
        .target(name: "NearDuplicates", dependencies: ["TextAnalysis", "ReplyQACore"]),
        // Check: does the reply answer what the customer asked?
        .target(name: "Relevance", dependencies: ["TextAnalysis", "Semantic", "ReplyQACore"]),
        // Check: tone along the rubric (empathy, ownership, patience, politeness, ...), lexicons in Dictionaries/tone.
        .target(name: "Tone", dependencies: ["TextAnalysis", "Relevance", "ReplyQACore"]),
        // Sentence embeddings (used by Relevance): all-MiniLM-L6-v2 (WordPiece tokenizer, BERT forward pass on OpenBLAS).
        .target(name: "Semantic", dependencies: ["COpenBLAS", "ReplyQACore"]),
        // Score: findings to 0-100 category scores and an overall score.
        .target(name: "Scoring", dependencies: ["ReplyQACore"]),
        // Aggregate: per agent, channel and agent x channel statistics (means with CIs, Wilson rates).
        .target(name: "Aggregation", dependencies: ["ReplyQACore"]),
        // History: runs and per-reply scores in SQLite, week-over-week trends.
        .target(name: "History", dependencies: ["Aggregation", "Scoring", "Calibration", "ReplyQACore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Yams", package: "Yams")]),
        // Calibration: reviewers' CSV files and agreement statistics (kappa, alpha, bootstrap intervals).
        .target(name: "Calibration", dependencies: ["ReplyQACore"]),
        // Threading, attribution, running checkers, records.
        .target(name: "ReplyPipeline", dependencies: ["MailIngest", "ReplySegmentation", "Spelling", "Grammar", "Safety", "Scoring", "NearDuplicates", "Relevance", "Tone", "Aggregation", "TextAnalysis", "ReplyQACore"]),
        // Report: the HTML report, report.json and the CSV files, written atomically.
        .target(name: "Reports", dependencies: ["ReplyPipeline", "Aggregation", "Scoring", "Calibration", "ReplyQACore", .product(name: "Plot", package: "Plot")]),

        // `replyqa serve`: lint over loopback HTTP for send pipelines, and the lint path `replyqa lint` shares.
        .target(name: "LintService", dependencies: [
            "ReplyPipeline", "MailIngest", "ReplyQACore", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        .executableTarget(name: "replyqa", dependencies: [
            "ReplyPipeline", "LintService", "Reports", "History", "Aggregation", "Scoring", "Calibration", "ReplySegmentation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Quality evaluation over external corpora (one adapter per corpus).
        .executableTarget(name: "replyqa-eval", dependencies: [
            "ReplyPipeline", "Spelling", "Grammar", "Relevance", "Tone", "TextAnalysis", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Speed and latency measurements (one home for every benchmark).
        .executableTarget(name: "replyqa-bench", dependencies: [
            "ReplyPipeline", "Spelling", "TextAnalysis", "NearDuplicates", "Semantic", "Grammar", "Safety", "Relevance", "Tone", "MailIngest",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "MailIngestTests", dependencies: ["MailIngest"]),
        .testTarget(name: "ReplySegmentationTests", dependencies: ["ReplySegmentation"]),
        .testTarget(name: "TextAnalysisTests", dependencies: ["TextAnalysis"]),
        .testTarget(name: "SpellingTests", dependencies: ["Spelling"]),
        .testTarget(name: "GrammarTests", dependencies: ["Grammar"]),
        .testTarget(name: "SafetyTests", dependencies: ["Safety"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring"]),
        .testTarget(name: "NearDuplicatesTests", dependencies: ["NearDuplicates", "TextAnalysis"]),
        .testTarget(name: "RelevanceTests", dependencies: ["Relevance"]),
        .testTarget(name: "ToneTests", dependencies: ["Tone"]),
        .testTarget(name: "SemanticTests", dependencies: ["Semantic"], exclude: ["Fixtures"]),
        .testTarget(name: "AggregationTests", dependencies: ["Aggregation"]),
        .testTarget(name: "HistoryTests", dependencies: ["History"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "ReplyPipeline", .product(name: "Plot", package: "Plot")]),
        .testTarget(name: "ReplyPipelineTests", dependencies: ["ReplyPipeline"], exclude: ["Fixtures"]),
        .testTarget(name: "LintServiceTests", dependencies: ["LintService", "ReplyPipeline", "ReplyQACore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    ]
)
