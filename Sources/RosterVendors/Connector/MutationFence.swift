/// The check a job's worker makes immediately before every vendor mutation: is the job still its
/// own (same claim) and still running? A cancelled job, or one whose lease another worker took
/// over, makes no further vendor call.
///
/// The executor binds a fence to the task running a job's step (``current``). The governed
/// transport checks it after every wait (rate-limit slot, pause) and right before it sends a
/// request that is not a `GET`; ``InviteBatcher`` captures each item's fence when the item is
/// submitted and checks every item's fence before the batch call, since the call carries their
/// invitations.
public struct MutationFence: Sendable {
    /// The fence of the job whose step the current task runs; `nil` outside a job (tests, tools).
    @TaskLocal public static var current: MutationFence?

    private let checks: [@Sendable () async throws -> Void]
    private let sends: [@Sendable () -> Void]
    private let answers: [@Sendable () -> Void]

    /// - Parameters:
    ///   - check: throws ``FenceError`` when the job is no longer held and running; any other
    ///     error (the database unreachable) is passed on as it is.
    ///   - sent: told each time a request that may change something passed the fence and goes
    ///     out for this job (the executor keeps a cut step's attempt only then).
    ///   - answered: told when such a request came back (answered, failed or cut), once per `sent`:
    ///     between the two, the job has a mutation in flight.
    public init(
        _ check: @escaping @Sendable () async throws -> Void, sent: @escaping @Sendable () -> Void = {},
        answered: @escaping @Sendable () -> Void = {}
    ) {
        self.checks = [check]
        self.sends = [sent]
        self.answers = [answered]
    }

    private init(
        checks: [@Sendable () async throws -> Void], sends: [@Sendable () -> Void], answers: [@Sendable () -> Void]
    ) {
        self.checks = checks
        self.sends = sends
        self.answers = answers
    }

    /// A fence that holds only while every one of `fences` holds (a batch call made for several jobs).
    public static func all(_ fences: [MutationFence]) -> MutationFence {
        MutationFence(
            checks: fences.flatMap(\.checks), sends: fences.flatMap(\.sends), answers: fences.flatMap(\.answers))
    }

    /// Throws unless every job this fence stands for is still held and running.
    public func check() async throws {
        for check in checks { try await check() }
    }

    /// Checks the current task's fence, if any, before `request` when it may change something at
    /// the vendor (``VendorRequest/isMutation``; reads, `POST` listings included, are not fenced),
    /// then tells the fence the request goes out.
    public static func checkCurrent(before request: VendorRequest) async throws {
        guard request.isMutation, let fence = current else { return }
        try await fence.check()
        for sent in fence.sends { sent() }
    }

    /// Tells the current task's fence that `request`, sent after ``checkCurrent(before:)``, came
    /// back (whatever the outcome).
    public static func answeredCurrent(_ request: VendorRequest) {
        guard request.isMutation, let fence = current else { return }
        for answered in fence.answers { answered() }
    }
}

/// The job is no longer this worker's to act for: it was cancelled (superseded by an offboarding,
/// or by an operator), or its lease ran out and another worker claimed it. Never retried: the
/// job's task stops at once, with no further vendor call.
public struct FenceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The job was cancelled while this worker ran it.
        case cancelled
        /// Another claim holds the job now (this worker's lease ran out).
        case claimLost = "claim_lost"
    }

    public var code: Code
    public var jobID: Int64

    public init(code: Code, jobID: Int64) {
        self.code = code
        self.jobID = jobID
    }

    public var isRetryable: Bool { false }

    public var description: String {
        switch code {
        case .cancelled: "job \(jobID) was cancelled while it ran; no further vendor call"
        case .claimLost:
            "job \(jobID) is no longer held by this worker (its lease ran out and it was claimed again); no further vendor call"
        }
    }
}
