import Synchronization

/// What every fake vendor server does around its API logic: record each request in a call log,
/// play injected faults, check credentials and enforce a rate limit, in that order.
///
/// Vendor fakes supply their own error envelopes and authentication check; see
/// ``handle(_:authenticate:errorResponse:apply:)``.
public final class FakeTrafficControl: Sendable {
    /// Why a vendor fake must render an error envelope.
    public enum ErrorReason: Sendable, Hashable {
        /// An injected ``FakeFault``.
        case injected
        /// The rate limit refused the request.
        case rateLimited
    }

    private struct State: Sendable {
        var start: ContinuousClock.Instant
        var calls: [FakeCall] = []
        var faults: [(fault: FakeFault, matcher: FakeRequestMatcher)] = []
        var counter: FakeRateLimit.Counter?
        /// Never reset, so an in-flight call cannot share an id with a later one.
        var nextCallID = 0
    }

    private let state: Mutex<State>
    private let clock = ContinuousClock()

    public init() {
        state = Mutex(State(start: ContinuousClock.now))
    }

    // MARK: - Hooks

    /// The call log so far (in-flight calls have no status yet).
    public var calls: FakeCallLog { state.withLock { FakeCallLog($0.calls) } }

    /// Empties the call log (keeps faults and the rate limit).
    public func clearCalls() {
        state.withLock { $0.calls.removeAll() }
    }

    /// Queues `faults`, each consumed by the next request that `matcher` matches, in order.
    public func injectFaults(_ faults: [FakeFault], matching matcher: FakeRequestMatcher = .any) {
        state.withLock { $0.faults.append(contentsOf: faults.map { ($0, matcher) }) }
    }

    /// Drops every fault not yet consumed (a nemesis healing).
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    /// Faults not yet consumed.
    public var pendingFaults: [FakeFault] { state.withLock { $0.faults.map(\.fault) } }

    /// Sets (or with `nil` removes) the rate limit; its windows start now.
    public func setRateLimit(_ limit: FakeRateLimit?) {
        state.withLock {
            $0.counter = limit.map(FakeRateLimit.Counter.init)
            $0.start = clock.now
        }
    }

    /// The current rate limit.
    public var rateLimit: FakeRateLimit? { state.withLock { $0.counter?.limit } }

    /// Clears the log, faults and rate limit, and restarts the clock for offsets.
    public func reset() {
        state.withLock { $0 = State(start: clock.now, nextCallID: $0.nextCallID) }
    }

    // MARK: - Handling

    /// Runs one request through log → fault → authentication → rate limit → `apply`.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - authenticate: Returns an error response when the credentials are wrong, else `nil`.
    ///   - errorResponse: Renders the vendor's error envelope for `status` (with `Retry-After`
    ///     seconds when given).
    ///   - apply: The vendor's API logic.
    public func handle(
        _ request: FakeHTTPRequest,
        authenticate: (FakeHTTPRequest) -> FakeHTTPResponse?,
        errorResponse: (_ status: Int, _ retryAfter: Int?, _ reason: ErrorReason) -> FakeHTTPResponse,
        apply: (FakeHTTPRequest) async -> FakeHTTPResponse
    ) async -> FakeHTTPResponse {
        let (callID, fault) = arrive(request)
        var replacementStatus: Int?
        switch fault {
        case .status(let status, let retryAfter):
            return finish(callID, errorResponse(status, retryAfter, .injected), .fault)
        case .delay(let duration):
            try? await Task.sleep(for: duration)
        case .statusAfterApplying(let status):
            replacementStatus = status
        case nil:
            break
        }
        if let refusal = authenticate(request) {
            return finish(callID, refusal, .unauthorized)
        }
        let (wait, limitHeaders) = admit(callID)
        if let wait {
            let seconds = max(1, Int((wait / .seconds(1)).rounded(.up)))
            var response = errorResponse(429, seconds, .rateLimited)
            response.headers.merge(limitHeaders) { current, _ in current }
            return finish(callID, response, .rateLimited)
        }
        var response = await apply(request)
        if let replacementStatus {
            return finish(callID, errorResponse(replacementStatus, nil, .injected), .faultAfterApplying)
        }
        response.headers.merge(limitHeaders) { current, _ in current }
        return finish(callID, response, .handled)
    }

    /// Logs the arrival and takes the first queued fault that matches.
    private func arrive(_ request: FakeHTTPRequest) -> (Int, FakeFault?) {
        state.withLock { state in
            let now = clock.now
            defer { state.nextCallID += 1 }
            let call = FakeCall(
                id: state.nextCallID,
                method: request.method,
                path: request.path,
                query: request.rawQuery,
                body: request.bodyText,
                status: nil,
                receivedAt: now,
                offset: now - state.start,
                outcome: .inFlight
            )
            state.calls.append(call)
            var fault: FakeFault?
            if let index = state.faults.firstIndex(where: { $0.matcher.matches(request) }) {
                fault = state.faults.remove(at: index).fault
            }
            return (call.id, fault)
        }
    }

    /// Applies the rate limit at the call's arrival time; returns the wait when refused and the
    /// headers the limit advertises (``FakeRateLimit/advertising``).
    private func admit(_ callID: Int) -> (Duration?, [String: String]) {
        state.withLock { state in
            guard var counter = state.counter else { return (nil, [:]) }
            let offset = state.calls.last { $0.id == callID }?.offset ?? (clock.now - state.start)
            let wait = counter.admit(at: offset)
            state.counter = counter
            let windowEnd = counter.limit.window * (Int(offset / counter.limit.window) + 1)
            let headers = counter.limit.headers(
                remaining: counter.remaining(at: offset), untilWindowEnd: windowEnd - offset)
            return (wait, headers)
        }
    }

    private func finish(_ callID: Int, _ response: FakeHTTPResponse, _ outcome: FakeCall.Outcome) -> FakeHTTPResponse {
        state.withLock { state in
            // The log may have been cleared or reset while the call was in flight.
            if let index = state.calls.lastIndex(where: { $0.id == callID }) {
                state.calls[index].status = response.status
                state.calls[index].outcome = outcome
                state.calls[index].finishedAt = clock.now
                if state.calls[index].isMutation {
                    state.calls[index].responseBody = String(decoding: response.body, as: UTF8.self)
                }
            }
        }
        return response
    }
}
