import Foundation
import RosterCore
import Yams

/// Loads ``RosterConfiguration`` from a YAML file and applies environment overrides:
/// `ROSTER_KAFKA_BROKERS`, `ROSTER_KAFKA_TOPIC`, `ROSTER_KAFKA_GROUP`, `ROSTER_DATABASE_URL`,
/// `ROSTER_HTTP_LISTEN`. The file is `--config PATH`, else `ROSTER_CONFIG`, else defaults only.
///
/// Validation refuses what would otherwise fail later, job after job: per vendor, the ids its kind
/// needs (``RosterConfiguration/Vendor/problems(name:)``: `organization_id` for PostHog and
/// Relevance AI, `project_id` for Relevance AI), sane rate, retry and breaker values; policy grants
/// naming unconfigured vendors or roles their vendor does not know. `roles:` may map any name.
public struct ConfigurationLoader: Sendable {
    /// A configuration file that cannot be read or parsed, or a configuration that fails validation
    /// (every problem found, in one message).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong, naming the file (or origin) and the offending keys; `roster` prints it as is.
        public var description: String
        /// Always `false`: the same configuration fails the same way until someone edits it.
        public var isRetryable: Bool { false }
    }

    /// The variables read for `ROSTER_CONFIG` and the `ROSTER_*` overrides.
    public var environment: [String: String]

    /// Creates a loader that reads `environment`, by default the process's own; tests pass `[:]`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Reads the file at `explicitPath` (else `ROSTER_CONFIG`, else none: defaults only), applies
    /// the environment overrides and validates the result.
    ///
    /// - Throws: ``Failure`` if the file cannot be read or parsed, or the configuration is invalid.
    public func load(path explicitPath: String?) throws -> RosterConfiguration {
        var configuration = RosterConfiguration()
        if let path = explicitPath ?? environment["ROSTER_CONFIG"], !path.isEmpty {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw Failure(description: "cannot read configuration file \(path): \(error.localizedDescription)")
            }
            configuration = try parse(yaml: text, origin: path)
        }
        applyOverrides(to: &configuration)
        try validate(configuration)
        return configuration
    }

    /// Decodes a configuration from YAML text, without overrides or validation; empty text gives
    /// the defaults.
    ///
    /// - Parameters:
    ///   - text: The YAML document.
    ///   - origin: What to call the text in error messages, usually the file's path.
    /// - Throws: ``Failure`` naming the key path of a decoding error, or saying the text is not YAML.
    public func parse(yaml text: String, origin: String = "configuration") throws -> RosterConfiguration {
        do {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return RosterConfiguration() }
            return try YAMLDecoder().decode(RosterConfiguration.self, from: text)
        } catch let error as DecodingError {
            throw Failure(description: "\(origin): \(Self.describe(error))")
        } catch {
            throw Failure(description: "\(origin): not valid YAML (\(error))")
        }
    }

    func applyOverrides(to configuration: inout RosterConfiguration) {
        if let v = environment["ROSTER_KAFKA_BROKERS"], !v.isEmpty { configuration.kafka.brokers = v }
        if let v = environment["ROSTER_KAFKA_TOPIC"], !v.isEmpty { configuration.kafka.topic = v }
        if let v = environment["ROSTER_KAFKA_GROUP"], !v.isEmpty { configuration.kafka.group = v }
        if let v = environment["ROSTER_DATABASE_URL"], !v.isEmpty { configuration.database.url = v }
        if let v = environment["ROSTER_HTTP_LISTEN"], !v.isEmpty { configuration.http.listen = v }
    }

    func validate(_ c: RosterConfiguration) throws {
        var problems: [String] = []
        if c.kafka.topic.isEmpty { problems.append("kafka.topic: must not be empty") }
        if c.kafka.group.isEmpty { problems.append("kafka.group: must not be empty") }
        if c.database.poolSize < 1 { problems.append("database.pool_size: must be at least 1") }
        if c.ingest.batchSize < 1 { problems.append("ingest.batch_size: must be at least 1") }
        do { _ = try ListenAddress(c.http.listen) } catch {
            problems.append("http.listen: must be host:port, got \"\(c.http.listen)\"")
        }
        problems += c.rangeProblems
        for (name, vendor) in c.vendors.sorted(by: { $0.key < $1.key }) {
            if vendor.kind != .noop, URL(string: vendor.baseURL)?.scheme == nil {
                problems.append("vendors.\(name).base_url: not a URL")
            }
            problems += vendor.problems(name: name)
        }
        for (index, rule) in c.policy.enumerated() {
            for (grantIndex, grant) in rule.grant.enumerated() {
                guard let vendor = c.vendors[grant.vendor] else {
                    problems.append("policy[\(index)].grant: vendor \"\(grant.vendor)\" is not configured")
                    continue
                }
                // A policy role no vendor knows would kill every job the rule matches: refuse it now.
                do {
                    _ = try RoleMapping(vendor: grant.vendor, configuration: vendor).vendorRole(for: grant.role)
                } catch {
                    problems.append("policy[\(index)].grant[\(grantIndex)]: \(error.description)")
                }
            }
        }
        if !problems.isEmpty {
            throw Failure(description: "invalid configuration: " + problems.joined(separator: "; "))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "(top level)" : p.replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)).\(key.stringValue): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
