import Foundation
import RosterFakes
import RosterKafka

/// The `roster` executable run as a real child process, so tests can SIGKILL and SIGTERM it.
///
/// Spawned with `posix_spawn`, an empty signal mask and default signal dispositions: Foundation's
/// `Process` on Linux passes a Dispatch thread's blocked signals on to the child
/// (swift-corelibs-foundation#4772), which would make SIGTERM tests lie. Output goes to a log
/// file in the test work directory; the process is SIGKILLed when this object goes away, so a
/// failing test leaves nothing behind.
public final class RosterProcess: Sendable {
    public let pid: pid_t
    public let logURL: URL
    public let arguments: [String]
    private let exit = ExitStatusBox()

    /// Where `roster` is: `ROSTER_BINARY`, else next to the test bundle (`swift build --build-tests` builds it there).
    public static var executableURL: URL {
        if let explicit = ProcessInfo.processInfo.environment["ROSTER_BINARY"] { return URL(fileURLWithPath: explicit) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("roster")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
            ".build/debug/roster")
    }

    /// Starts `roster ARGUMENTS` with the test environment plus `environment`.
    public init(_ arguments: [String], environment: [String: String] = [:], name: String = "roster") throws {
        self.arguments = arguments
        logURL = TestWorkDirectory.url.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "ROSTER_FAILPOINT")
        env.merge(environment) { _, new in new }
        pid = try Self.spawn([Self.executableURL.path] + arguments, environment: env, output: logURL.path)
    }

    deinit {
        if exit.status == nil {
            Foundation.kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    public var isRunning: Bool { reap(blocking: false) == nil }

    public func kill(_ signal: Int32 = SIGKILL) {
        if isRunning { Foundation.kill(pid, signal) }
    }

    /// Waits for the process to end; its exit code, 128 + signal when a signal ended it, or `nil` on timeout.
    public func waitForExit(timeout: Duration = .seconds(60)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = reap(blocking: false) { return status }
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Whether a signal (not an exit call) ended the process.
    public var wasSignalled: Bool {
        _ = reap(blocking: false)
        return exit.signalled
    }

    public func output() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    /// Runs `roster ARGUMENTS` to completion and returns its exit status and output.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> (status: Int32, output: String) {
        let p = try RosterProcess(arguments, environment: environment, name: "roster-run")
        guard let status = await p.waitForExit(timeout: timeout) else {
            p.kill()
            return (-1, p.output() + "\n(timed out)")
        }
        return (status, p.output())
    }

    // MARK: - Spawning

    private func reap(blocking: Bool) -> Int32? {
        exit.withLock { state in
            if let status = state.status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            guard result == pid else { return nil }
            // WIFEXITED / WIFSIGNALED spelled out: the C macros are not imported.
            let signal = raw & 0x7F
            if signal == 0 {
                state.status = (raw >> 8) & 0xFF
            } else {
                state.status = 128 + signal
                state.signalled = true
            }
            return state.status
        }
    }

    static func spawn(_ argv: [String], environment: [String: String], output: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        // posix_spawn copies argv and envp; the C strings only need to live for the call.
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments + cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let result = KafkaMockCluster.spawning {
            posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        }
        guard result == 0 else {
            throw CocoaError(
                .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cannot start \(argv[0]): errno \(result)"])
        }
        return pid
    }
}

/// The child's exit status, reaped once, behind a lock.
private final class ExitStatusBox: Sendable {
    struct State {
        var status: Int32?
        var signalled = false
    }

    private let state = LockedBox(State())

    var status: Int32? { state.withLock { $0.status } }
    var signalled: Bool { state.withLock { $0.signalled } }

    func withLock(_ body: (inout State) -> Int32?) -> Int32? { state.withLock { body(&$0) } }
}

/// The per-run scratch directory (`ROSTER_TEST_WORKDIR` from ops/test, else a temporary one).
public enum TestWorkDirectory {
    public static let url: URL = {
        let base =
            ProcessInfo.processInfo.environment["ROSTER_TEST_WORKDIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("roster-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()
}
