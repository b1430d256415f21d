import XCTest
import Foundation
import ReplyPipeline
@testable import ReplyQACore

/// Configuration mistakes are errors naming the file, line and column and what was meant.
final class ConfigValidationTests: XCTestCase {
    /// The problems `yaml` has, one `file:line:column: level: message` line each.
    func problems(_ yaml: String) -> [String] {
        do {
            let file = try ConfigurationFile.parse(yaml: yaml)
            return file.warnings.map(\.description)
        } catch {
            guard case .problems(let issues) = error else { return ["\(error)"] }
            return issues.map(\.description)
        }
    }

    func testUnknownKeysAtEveryLevelSuggestTheKeyMeant() {
        XCTAssertEqual(problems("""
            agents:
              header: X-Agent
              adresses: {a@x.com: Ann}
            disabled_rule: [spelling]
            severites: {long-sentence: warning}
            chanels:
              - {header: X-Channel}
            scorecard:
              min_sampel: 3
            tone:
              channels:
                chat: {formaliti: casual}
            spelling: {detect-language: false}
            """), [
            "replyqa.yml:3:3: error: unknown key “adresses” in “agents”; did you mean “addresses”?",
            "replyqa.yml:4:1: error: unknown key “disabled_rule”; did you mean “disabled_rules”?",
            "replyqa.yml:5:1: error: unknown key “severites”; did you mean “severities”?",
            "replyqa.yml:6:1: error: unknown key “chanels”; did you mean “channels”?",
            "replyqa.yml:9:3: error: unknown key “min_sampel” in “scorecard”; did you mean “min_sample”?",
            "replyqa.yml:12:12: error: unknown key “formaliti” in “tone.channels.chat”; did you mean “formality”?",
            "replyqa.yml:13:12: error: unknown key “detect-language” in “spelling”; did you mean “detect_language”?",
        ])
        // Nothing close: the keys valid at that level are listed.
        XCTAssertEqual(problems("limits: {frobnicate: 1}"), [
            "replyqa.yml:1:10: error: unknown key “frobnicate” in “limits”; expected one of: max_html_bytes, max_message_bytes, " +
                "max_mime_depth",
        ])
    }

    func testWrongValueTypesSayWhatIsAllowedInPlainWords() {
        let found = problems("""
            disabled_rules: spelling
            severities: {long-sentence: high, spelling: Warning}
            scorecard:
              min_sample: five
              penalties: {error: lots}
              weights: {privcy: 2}
            spelling:
              detect_language: maybe
              words: {Northwind: yes}
            limits: {max_mime_depth: "20", max_html_bytes: 0}
            agents: X-Agent
            tone:
              default: {emoji: sometimes}
            """)
        XCTAssertEqual(found, [
            "replyqa.yml:1:17: error: disabled_rules: expected a list of rule ids, e.g. [long-sentence]; found “spelling” (write " +
                "[spelling] for a list of one)",
            "replyqa.yml:2:29: error: severities.long-sentence: expected one of: error, warning, info; found “high”",
            "replyqa.yml:2:45: error: severities.spelling: unknown value “Warning”; did you mean “warning”?",
            "replyqa.yml:4:15: error: scorecard.min_sample: expected a whole number of at least 1; found “five”",
            "replyqa.yml:5:22: error: scorecard.penalties.error: expected a number; found “lots”",
            "replyqa.yml:6:13: error: scorecard.weights: unknown category “privcy”; did you mean “privacy”?",
            "replyqa.yml:8:20: error: spelling.detect_language: expected true or false; found “maybe”",
            "replyqa.yml:9:10: error: spelling.words: expected a list of names, e.g. [Northwind, TrailMate]; found a group of “key: " +
                "value” settings",
            "replyqa.yml:10:26: error: limits.max_mime_depth: expected a whole number of at least 1; found “20” in quotes, which makes " +
                "it text",
            "replyqa.yml:10:48: error: limits.max_html_bytes: expected a whole number of at least 1; found “0”",
            "replyqa.yml:11:9: error: agents: expected a group of settings (addresses, header); found “X-Agent”",
            "replyqa.yml:13:20: error: tone.default.emoji: expected one of: allowed, forbidden; found “sometimes”",
        ])
        for line in found {
            for swiftWord in ["Int", "Double", "Bool", "String", "typeMismatch", "Scalar", "Mapping", "Decod"] {
                XCTAssertFalse(line.contains(swiftWord), "a Swift type name leaked into \(line)")
            }
        }
    }

    func testBrokenYAMLNamesTheLine() {
        let unclosed = problems("support_domains: [acme.example\ndefault_channel: email\n")
        XCTAssertEqual(unclosed.count, 1)
        XCTAssertTrue(unclosed[0].hasPrefix("replyqa.yml:2:"), unclosed[0])
        XCTAssertTrue(unclosed[0].contains("error: not valid YAML"), unclosed[0])
        let indented = problems("agents:\n  header: X-Agent\n addresses: {}\n")
        XCTAssertTrue(indented.first?.hasPrefix("replyqa.yml:3:") ?? false, "\(indented)")
        let tab = problems("agents:\n\theader: X-Agent\n")
        XCTAssertTrue(tab.first?.contains("replyqa.yml:2:") ?? false, "\(tab)")
        XCTAssertTrue(tab.first?.contains("spaces, not tabs") ?? false, "\(tab)")
        XCTAssertEqual(problems("default_channel: email\ntemplates: t\ndefault_channel: chat\n"),
                       ["replyqa.yml:1:1: error: the key “default_channel” is set twice in the same group"])
        let list = problems("- just\n- a list\n")
        XCTAssertEqual(list.count, 1)
        XCTAssertTrue(list[0].hasPrefix("replyqa.yml:1:1: error: expected a group of settings (agents, channels, "), list[0])
        XCTAssertTrue(list[0].hasSuffix("); found a list"), list[0])
    }

    func testUnknownRuleIDsAreErrorsWithASuggestion() throws {
        let file = try ConfigurationFile.parse(yaml: """
            disabled_rules: [missing-greting, spelling]
            severities:
              long-sentance: warning
            scorecard: {auto_fail: [card-number, zzz-unheard-of]}
            """, name: "team/replyqa.yml")
        XCTAssertEqual(file.ruleProblems(knownRules: ["missing-greeting", "spelling", "long-sentence", "card-number"]).map(\.description), [
            "team/replyqa.yml:1:18: error: unknown rule “missing-greting”; did you mean “missing-greeting”?",
            "team/replyqa.yml:3:3: error: unknown rule “long-sentance”; did you mean “long-sentence”?",
            "team/replyqa.yml:4:38: error: unknown rule “zzz-unheard-of”; `replyqa rules` lists the rule ids",
        ])
    }

    func testAChannelNoRuleAssignsIsAWarningWithASuggestion() throws {
        let file = try ConfigurationFile.parse(yaml: """
            channels:
              - {channel: social, folder: social}
              - {address: chat@acme.example, channel: chat}
            handle_channels: [socail, Social]
            tone:
              channels:
                chta: {formality: casual}
            spelling:
              channels: {uk-email: en_GB}
            """)
        XCTAssertEqual(file.warnings.map(\.description), [
            "replyqa.yml:4:19: warning: no channel rule or default_channel assigns the channel “socail”, so this setting applies only " +
                "to `lint --channel socail`; did you mean “social”?",
            "replyqa.yml:7:5: warning: no channel rule or default_channel assigns the channel “chta”, so this setting applies only to " +
                "`lint --channel chta`; did you mean “chat”?",
            "replyqa.yml:9:14: warning: no channel rule or default_channel assigns the channel “uk-email”, so this setting applies only " +
                "to `lint --channel uk-email`",
        ])
        XCTAssertEqual(file.configuration.handleChannels, ["socail", "social"], "channels are compared lower-cased")
        // A header rule without `channel` makes any header value a channel: nothing to compare with.
        XCTAssertEqual(try ConfigurationFile.parse(yaml: "channels: [{header: X-Channel}]\nhandle_channels: [socail]\n").warnings, [])
    }

    func testAChannelRuleMatchesOnExactlyOneThing() {
        XCTAssertEqual(problems("""
            channels:
              - {channel: chat}
              - {channel: chat, header: X-Source, folder: chat}
              - {channel: social, folder: social, equals: twitter}
              - {channel: billing, label: Billing, address: billing@northwind.example}
              - {channel: billing, lable: Billing}
            """), [
            "replyqa.yml:6:24: error: unknown key “lable” in “channels”; did you mean “label”?",
            "replyqa.yml:2:5: error: channels: a channel rule needs one of header, address, folder or label to match on",
            "replyqa.yml:3:5: error: channels: a channel rule matches on one of header, address, folder or label, not header and " +
                "folder; write one rule for each",
            "replyqa.yml:4:39: error: channels: “equals” compares a header's value, so the rule needs a “header”",
            "replyqa.yml:5:5: error: channels: a channel rule matches on one of header, address, folder or label, not address and " +
                "label; write one rule for each",
            "replyqa.yml:6:5: error: channels: a channel rule needs one of header, address, folder or label to match on",
        ])
    }

    func testEmptySettingsAndMergeKeysAreAccepted() throws {
        XCTAssertEqual(try Configuration.parse(yaml: "agents:\ntemplates:\n# only a comment\n"), Configuration())
        XCTAssertEqual(try Configuration.parse(yaml: "# nothing but a comment\n"), Configuration())
        let merged = try Configuration.parse(yaml: """
            tone:
              default: &base {emoji: allowed}
              channels:
                chat:
                  <<: *base
                  formality: formal
            """)
        XCTAssertEqual(merged.tone.policy(for: "chat").emoji, .allowed)
        XCTAssertEqual(merged.tone.policy(for: "chat").formality, .formal)
    }

    func testTheSchemaHasEveryKeyTheDecoderReads() {
        func keys(_ shape: ConfigShape, _ path: [String]) -> Set<String> {
            var shape = shape
            for p in path {
                switch shape {
                case .section(let k): shape = k[p]!
                case .table(_, let v, _): shape = v
                case .list(let item, _, _): shape = item; if case .section(let k) = shape, let s = k[p] { shape = s }
                case .scalar: XCTFail("no section at \(path)")
                }
            }
            switch shape {
            case .section(let k): return Set(k.keys)
            case .list(.section(let k), _, _): return Set(k.keys)
            case .table(_, .section(let k), _): return Set(k.keys)
            default: XCTFail("no section at \(path)"); return []
            }
        }
        let schema = Configuration.schema
        XCTAssertEqual(keys(schema, []), Set(Configuration.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["agents"]), Set(Configuration.AgentKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["channels"]), Set(ChannelRule.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["scorecard"]), Set(ScorecardOptions.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["tone"]), Set(ToneOptions.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["tone", "default"]), Set(ChannelPolicy.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["tone", "channels"]), Set(ChannelPolicy.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["spelling"]), Set(SpellingOptions.CodingKeys.allCases.map(\.stringValue)))
        XCTAssertEqual(keys(schema, ["limits"]), Set(Limits.CodingKeys.allCases.map(\.stringValue)))
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample configuration, the one the support-batch tool writes, and the README's example are
    /// all valid, with no warning and no unknown rule.
    func testShippedConfigurationsAreClean() throws {
        let rules = try StandardCheckers.make(config: Configuration()).rules.map(\.id)
        let samples = try ConfigurationFile.load(path: Self.root.appendingPathComponent("Samples/replyqa.yml").path)
        XCTAssertEqual(samples.warnings, [])
        XCTAssertEqual(samples.ruleProblems(knownRules: rules), [])
        let batch =
            try ConfigurationFile.parse(
                yaml: "support_domains:\n  - adobecare.example\n  - delta.example\nchannels:\n  - {header: X-Channel}\nhandle_channels: " +
                    "[social]\n")
        XCTAssertEqual(batch.warnings, [])
        XCTAssertEqual(batch.configuration.channels, [ChannelRule(channel: nil, header: "X-Channel")])
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "## Configuration (`replyqa.yml`)\n\n```yaml\n"))
        let example = readme[section.upperBound...].components(separatedBy: "\n```")[0]
        let documented = try ConfigurationFile.parse(yaml: example, name: "README.md")
        XCTAssertEqual(documented.warnings, [])
        XCTAssertEqual(documented.ruleProblems(knownRules: rules), [])
    }

    func testSuggestionsAreCloseOrNone() {
        XCTAssertEqual(Suggestion.closest(to: "severites", among: ["severities", "scorecard"]), "severities")
        XCTAssertEqual(Suggestion.closest(to: "maxMimeDepth", among: ["max_mime_depth", "max_html_bytes"]), "max_mime_depth")
        XCTAssertEqual(Suggestion.closest(to: "tnoe", among: ["tone", "templates"]), "tone")
        XCTAssertNil(Suggestion.closest(to: "colour", among: ["tone", "limits", "agents"]))
        XCTAssertNil(Suggestion.closest(to: "uk-email", among: ["email", "chat"]))
    }
}
