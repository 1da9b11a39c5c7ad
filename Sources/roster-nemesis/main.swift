import Foundation
import RosterNemesis
import RosterTesting

// roster-nemesis [--seed N] [--duration S] [--quiet-timeout S]
// Runs the seeded nemesis (RosterNemesis) against the private PostgreSQL that ops/nemesis
// starts (ROSTER_TEST_DATABASE_URL, ROSTER_TEST_PG_CTL, ROSTER_TEST_PG_DIR). Exit 0 when every
// invariant held, 1 when one did not (the report names the seed), 2 for a usage error.

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(
        Data("roster-nemesis: \(message)\nusage: roster-nemesis [--seed N] [--duration S] [--quiet-timeout S]\n".utf8))
    exit(2)
}

/// Unbuffered, so a long run's progress can be followed in its log file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

var seed = UInt64(Date().timeIntervalSince1970 * 1000) % 1_000_000
var duration = 60
var quietTimeout = 240
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    guard let value = arguments.popFirst() else { usage("\(argument) needs a value") }
    switch argument {
    case "--seed":
        guard let number = UInt64(value) else { usage("--seed needs a non-negative integer") }
        seed = number
    case "--duration":
        guard let number = Int(value), number > 0 else { usage("--duration needs a positive number of seconds") }
        duration = number
    case "--quiet-timeout":
        guard let number = Int(value), number > 0 else { usage("--quiet-timeout needs a positive number of seconds") }
        quietTimeout = number
    default:
        usage("unknown argument \(argument)")
    }
}
guard let adminURL = TestDatabase.adminURL else {
    usage("ROSTER_TEST_DATABASE_URL is not set: run it with ops/nemesis")
}
say("roster-nemesis: seed \(seed), duration \(duration) s")
do {
    let options = Nemesis.Options(
        seed: seed, durationSeconds: duration, quietTimeout: .seconds(quietTimeout), output: { say($0) })
    let report = try await TestDatabase.withFreshDatabase(exclusive: true) { url in
        try await Nemesis.run(options, databaseURL: url)
    }
    say(report.summary)
    exit(report.passed ? 0 : 1)
} catch {
    say("roster-nemesis: seed \(seed): could not run: \(error)")
    exit(1)
}
