import Foundation
import RosterCore
import RosterTesting
import RosterWorker
import Testing
import Yams

/// deploy/ and ops/ cannot run here (no Docker, no cluster): check what can be checked. Every
/// YAML file parses, the configurations in them load, the probes, ports and grace periods agree
/// with the worker, alert rules point at runbooks that exist, and the Dockerfile's Debian
/// packages exist in bookworm (`ops/check-deploy`).
@Suite struct DeployFilesTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func composeRunsKafkaInKRaftModePostgresTopicsMigrateAndTwoWorkers() throws {
        let compose = try #require(try Yams.load(yaml: try Self.text("deploy/compose.yaml")) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        let kafka = try #require(services["kafka"] as? [String: Any])
        let kafkaEnvironment = try #require(kafka["environment"] as? [String: Any])
        #expect(
            (kafkaEnvironment["KAFKA_PROCESS_ROLES"] as? String)?.contains("controller") == true, "KRaft: no ZooKeeper")
        #expect((services["postgres"] as? [String: Any])?["image"] as? String == "postgres:15-bookworm")
        let topics = try #require(services["topics"] as? [String: Any])
        #expect("\(topics["command"] ?? "")".contains("--create"))
        #expect((services["migrate"] as? [String: Any])?["command"] as? [String] == ["migrate"])
        let workers = services.filter {
            ($0.value as? [String: Any])?["command"].map { "\($0)".contains("worker") } == true
        }
        #expect(workers.count == 2, "\(workers.keys)")
        for (_, value) in workers {
            let worker = try #require(value as? [String: Any])
            #expect("\(worker["volumes"] ?? "")".contains("roster.yaml"), "the configuration is mounted")
            #expect("\(worker["depends_on"] ?? "")".contains("service_completed_successfully"))
        }
        // The mounted configuration is one Roster loads.
        let configuration = try ConfigurationLoader(environment: [:]).parse(
            yaml: try Self.text("deploy/compose/roster.yaml"))
        #expect(configuration.kafka.brokers == "kafka:9092")
        #expect(configuration.http.listen == "0.0.0.0:9464")
    }

    @Test func kubernetesDeploymentHasProbesOnTheOpsPortSecretsAGracePeriodAndABudget() throws {
        let documents = try Yams.load_all(yaml: try Self.text("deploy/kubernetes/roster.yaml")).compactMap {
            $0 as? [String: Any]
        }
        let kinds = documents.compactMap { $0["kind"] as? String }
        #expect(Set(kinds).isSuperset(of: ["ConfigMap", "Deployment", "PodDisruptionBudget", "Job"]), "\(kinds)")

        let configMap = try #require(documents.first { $0["kind"] as? String == "ConfigMap" })
        let yaml = try #require((configMap["data"] as? [String: Any])?["roster.yaml"] as? String)
        let configuration = try ConfigurationLoader(environment: [:]).parse(yaml: yaml)
        let listenPort = try ListenAddress(configuration.http.listen).port

        let deployment = try #require(documents.first { $0["kind"] as? String == "Deployment" })
        let pod = try #require(
            ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int)
        #expect(Duration.seconds(grace) > Worker.shutdownTimeout, "SIGKILL must come after the worker's own shutdown")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let ports = try #require(container["ports"] as? [[String: Any]])
        #expect(ports.contains { $0["name"] as? String == "ops" && $0["containerPort"] as? Int == listenPort })
        let readiness = try #require((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        let liveness = try #require((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        #expect(readiness["path"] as? String == "/readyz" && readiness["port"] as? String == "ops")
        #expect(liveness["path"] as? String == "/healthz" && liveness["port"] as? String == "ops")
        let environment = try #require(container["env"] as? [[String: Any]])
        let secretRefs = environment.filter { "\($0["valueFrom"] ?? "")".contains("secretKeyRef") }.compactMap {
            $0["name"] as? String
        }
        // Every vendor key the configuration names comes from a Secret, never the ConfigMap.
        for vendor in configuration.vendors.values {
            #expect(secretRefs.contains(vendor.apiKeyEnv), "\(vendor.apiKeyEnv) from a Secret")
        }
        #expect(!yaml.contains("sk-"), "no key in the ConfigMap")

        let budget = try #require(documents.first { $0["kind"] as? String == "PodDisruptionBudget" })
        let selector =
            ((budget["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"] as? [String: String]
        let podLabels =
            (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?[
                "labels"] as? [String: String]
        #expect(selector != nil && selector == podLabels, "the budget selects the worker pods")
    }

    @Test func systemdUnitAndDockerfileAgreeWithTheWorker() throws {
        let unit = try Self.text("deploy/systemd/roster-worker.service")
        #expect(unit.contains("ExecStart=/usr/local/bin/roster worker"))
        let stop = try #require(unit.firstMatch(of: /TimeoutStopSec=(\d+)/)).1
        #expect(Duration.seconds(Int(stop)!) > Worker.shutdownTimeout)
        #expect(unit.contains("EnvironmentFile="), "secrets come from an environment file")

        let dockerfile = try Self.text("deploy/Dockerfile")
        #expect(dockerfile.contains(/FROM swift:\$\{SWIFT_VERSION\}-bookworm AS build/))
        #expect(dockerfile.contains("FROM debian:bookworm-slim"))
        for package in ["librdkafka1", "libpq5", "ca-certificates"] { #expect(dockerfile.contains(package)) }
        #expect(dockerfile.contains("EXPOSE 9464"))
    }

    @Test func alertRulesParseAndPointAtRunbooksThatExist() throws {
        let rules = try #require(try Yams.load(yaml: try Self.text("ops/prometheus/alerts.yaml")) as? [String: Any])
        let groups = try #require(rules["groups"] as? [[String: Any]])
        var alerts: [String] = []
        for rule in groups.flatMap({ $0["rules"] as? [[String: Any]] ?? [] }) {
            let name = try #require(rule["alert"] as? String)
            alerts.append(name)
            #expect(!(rule["expr"] as? String ?? "").isEmpty, "\(name) has an expression")
            let runbook = try #require(
                (rule["annotations"] as? [String: Any])?["runbook_url"] as? String, "\(name) has a runbook")
            #expect(
                FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(runbook).path),
                "\(runbook) exists")
        }
        for expected in [
            "RosterDeadJobs", "RosterConsumerLagHigh", "RosterCircuitBreakerOpen", "RosterTimeToRevokeAboveObjective",
        ] {
            #expect(alerts.contains(expected))
        }
        // The dashboard is JSON Grafana can import.
        let dashboard = try JSONParser().parse(Array(try Self.text("ops/grafana/roster-dashboard.json").utf8))
        #expect(dashboard["uid"]?.stringValue == "roster-overview")
        #expect((dashboard["panels"]?.arrayValue?.count ?? 0) >= 10)
    }

    @Test func theDockerfilesPackagesExistInDebianBookworm() throws {
        let script = repositoryRoot.appendingPathComponent("ops/check-deploy")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.runBesideMockBrokers()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        if output.hasPrefix("skipped:") {
            print("DeployFilesTests: ops/check-deploy \(output)")
        } else {
            for package in ["librdkafka1", "libpq5", "ca-certificates"] {
                #expect(output.contains("ok: \(package)"), "\(output)")
            }
        }
    }
}
