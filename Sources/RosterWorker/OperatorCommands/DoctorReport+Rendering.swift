import Foundation
import RosterCore

extension DoctorReport {
    // MARK: - Table

    /// Two tables for people: vendors (key, roles, budget) and role checks; then a verdict.
    public func rendered(colour: Bool) -> String {
        var vendorTable = TextTable(
            ["VENDOR", "KIND", "KEY", "ROLES", "BUDGET", "LEARNED", "ADVERTISED"], colour: colour)
        for vendor in vendors {
            var key = vendor.key.rawValue
            if let status = vendor.httpStatus { key += " (\(status))" }
            let roles = vendor.roles.map { $0.joined(separator: ", ") } ?? "-"
            let advertised = vendor.advertised.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            vendorTable.append([
                vendor.name, vendor.kind, key, roles,
                "\(Self.number(vendor.requestsPerSecond))/s burst \(vendor.burst)",
                vendor.learnedRequestsPerSecond.map {
                    "\(Self.rate($0))/s (advertised \(Self.rate(vendor.advertisedRequestsPerSecond ?? 0))/s, max \(Self.rate(vendor.maximumRequestsPerSecond ?? 0))/s)"
                } ?? "-",
                advertised.isEmpty ? "-" : advertised.joined(separator: " "),
            ])
        }
        var out = vendorTable.rendered
        for vendor in vendors where vendor.error != nil {
            out += "\(vendor.name): \(vendor.error ?? "")\n"
        }
        var roleTable = TextTable(
            ["VENDOR", "SOURCE", "ROLE", "VENDOR ROLE", "PROJECT", "STATUS", "SUGGESTION"], colour: colour)
        for vendor in vendors {
            for check in vendor.roleChecks {
                roleTable.append([
                    vendor.name, check.source, check.role, check.vendorRole ?? "-", check.project ?? "-",
                    check.status == .unknown ? "failed" : check.status.rawValue, check.suggestion ?? "-",
                ])
            }
        }
        out += "\n" + roleTable.rendered
        let problems = vendors.flatMap { vendor in
            vendor.failedRoles.compactMap { check -> String? in
                let hint = check.suggestion.map { " (did you mean \($0)?)" } ?? ""
                return "\(vendor.name): \(check.source) role \(check.role): \(check.message ?? "unknown")\(hint)"
            }
        }
        if !problems.isEmpty { out += "\n" + problems.joined(separator: "\n") + "\n" }
        let failed = vendors.filter { !$0.ok }.map(\.name)
        out += failed.isEmpty ? "\nall vendors ok\n" : "\nfailed: \(failed.joined(separator: ", "))\n"
        return out
    }

    /// A rate to three significant decimals (`1.667`, `5`).
    static func rate(_ value: Double) -> String {
        number((value * 1000).rounded() / 1000)
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: - JSON

    /// The `--output json` document (README "Operating Roster").
    public var json: JSONValue {
        .object([
            "ok": .bool(ok),
            "vendors": .array(vendors.map(\.json)),
        ])
    }
}

extension DoctorReport.Vendor {
    private static func list(_ names: [String]?) -> JSONValue {
        guard let names else { return .null }
        return .array(names.map { JSONValue.string($0) })
    }

    private static func optionalNumber(_ value: Double?) -> JSONValue {
        value.map { .number(String($0)) } ?? .null
    }

    var json: JSONValue {
        .object([
            "vendor": .string(name),
            "kind": .string(kind),
            "base_url": .string(baseURL),
            "api_key_env": .string(apiKeyEnv),
            "ok": .bool(ok),
            "key": .object([
                "status": .string(key.rawValue),
                "http_status": .int(httpStatus),
                "error": .text(error),
            ]),
            "roles": .object([
                "source": .string(rolesSource),
                "project": Self.list(roles),
                "organization": Self.list(organizationRoles),
            ]),
            "role_checks": .array(roleChecks.map(\.json)),
            "rate": .object([
                "requests_per_second": .number(String(requestsPerSecond)),
                "burst": .int(burst),
                "advertised": .object(advertised.mapValues { JSONValue.string($0) }),
                "maximum_requests_per_second": Self.optionalNumber(maximumRequestsPerSecond),
                "advertised_requests_per_second": Self.optionalNumber(advertisedRequestsPerSecond),
                "learned_requests_per_second": Self.optionalNumber(learnedRequestsPerSecond),
            ]),
        ])
    }
}

extension DoctorReport.RoleCheck {
    var json: JSONValue {
        .object([
            "source": .string(source),
            "role": .string(role),
            "vendor_role": .text(vendorRole),
            "scope": .string(scope),
            "project": .text(project),
            "status": .string(status.rawValue),
            "suggestion": .text(suggestion),
            "message": .text(message),
        ])
    }
}
