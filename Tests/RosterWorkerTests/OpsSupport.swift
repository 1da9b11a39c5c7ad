import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A tiny Prometheus text-format (0.0.4) parser: enough to check what `/metrics` exports.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var samples: [Sample] = []
    /// `# TYPE` lines: family name → counter, gauge, histogram, …
    var types: [String: String] = [:]

    var names: Set<String> { Set(samples.map(\.name)) }

    func values(_ name: String, where labels: [String: String] = [:]) -> [Double] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
        }.map(\.value)
    }

    init(_ text: String) throws {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                if parts.count >= 4, parts[1] == "TYPE" { types[parts[2]] = parts[3] }
                continue
            }
            samples.append(try Self.sample(line))
        }
    }

    /// `name{a="x",b="y"} value [timestamp]`, with `\\`, `\"` and `\n` escapes in label values.
    static func sample(_ line: String) throws -> Sample {
        var index = line.startIndex
        var name = ""
        while index < line.endIndex, line[index] != "{", line[index] != " " {
            name.append(line[index])
            index = line.index(after: index)
        }
        guard name.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*$"#, options: .regularExpression) != nil else {
            throw ParseError(description: "bad metric name in \(line)")
        }
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while index < line.endIndex, line[index] != "}" {
                var key = ""
                while index < line.endIndex, line[index] != "=" {
                    key.append(line[index])
                    index = line.index(after: index)
                }
                index = line.index(after: index)
                guard index < line.endIndex, line[index] == "\"" else {
                    throw ParseError(description: "unquoted label value in \(line)")
                }
                index = line.index(after: index)
                var value = ""
                while index < line.endIndex, line[index] != "\"" {
                    if line[index] == "\\" {
                        index = line.index(after: index)
                        guard index < line.endIndex else { break }
                        value.append(line[index] == "n" ? "\n" : line[index])
                    } else {
                        value.append(line[index])
                    }
                    index = line.index(after: index)
                }
                guard index < line.endIndex else {
                    throw ParseError(description: "unterminated label value in \(line)")
                }
                index = line.index(after: index)
                if index < line.endIndex, line[index] == "," { index = line.index(after: index) }
                labels[key.trimmingCharacters(in: .whitespaces)] = value
            }
            guard index < line.endIndex else { throw ParseError(description: "unterminated labels in \(line)") }
            index = line.index(after: index)
        }
        let rest = line[index...].split(separator: " ")
        guard let first = rest.first else { throw ParseError(description: "no value in \(line)") }
        let value: Double
        switch first {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(first) else { throw ParseError(description: "bad value in \(line)") }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }
}

/// One GET over real HTTP: status and body.
func httpGet(_ url: String, timeout: Duration = .seconds(10)) async throws -> (status: Int, body: String) {
    let request = HTTPClientRequest(url: url)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
    let body = try await response.body.collect(upTo: 8 << 20)
    return (Int(response.status.code), String(buffer: body))
}

/// The ops HTTP port a worker logged (`ops HTTP listening` with `address`), waiting for it.
func opsPort(of output: @Sendable () -> String, timeout: Duration = .seconds(60)) async throws -> Int {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        for line in output().split(separator: "\n") where line.contains("ops HTTP listening") {
            if let match = line.firstMatch(of: /127\.0\.0\.1:(\d+)/), let port = Int(match.1) { return port }
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("the worker never logged its ops HTTP address: \(output().suffix(2000))")
    throw CancellationError()
}

/// The repository root (tests run from it; `#filePath` is the fallback).
var repositoryRoot: URL {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    if FileManager.default.fileExists(atPath: cwd.appendingPathComponent("Package.swift").path) { return cwd }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
