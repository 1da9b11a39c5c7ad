import Foundation
import Synchronization

/// One listing a vendor directory keeps (a vendor's projects, its members, its pending invites):
/// loaded by listing once for every job of the process, kept current by Roster's own mutations,
/// and listed again when it is older than its time to live, older than a caller can accept, or
/// contradicted by the vendor.
///
/// **Freshness.** A listing remembers when its last load *started* (``loadedAt``): it reflects
/// the vendor at some moment after that, so "loaded at or after T" is a safe promise. A caller
/// that must see everything up to T (a leaver's step, a resumed step, a person whose earlier job
/// ran in another process) asks ``value(notBefore:load:)`` with T, and gets a listing that started
/// at or after T — joining one already on its way if it started late enough.
///
/// **One load at a time.** Callers that need a load while one suitable is running wait for it
/// (single flight); the load runs in a task of its own, inheriting the task-local values of the
/// caller that started it (its call priority, so a leaver's refresh is a leaver's call), and is not
/// cut when that caller is cancelled — the others still get the answer.
///
/// **Own mutations.** ``update(_:)`` applies a change Roster just made and the vendor confirmed
/// (a created invite, a removed member) to the loaded value, so the next job sees it without
/// listing again. An update to a listing that is being loaded is applied to the load's result
/// too, so a load that started before the mutation cannot hide it.
public final class DirectoryListing<Value: Sendable>: Sendable {
    /// Loads the whole listing from the vendor.
    public typealias Load = @Sendable () async throws -> Value

    private struct Loading: Sendable {
        var startedAt: Date
        var task: Task<Value, any Error>
        /// Own mutations made while the load ran, applied to its result.
        var pending: [@Sendable (inout Value) -> Void]
        var generation: Int
    }

    private struct State: Sendable {
        var value: Value?
        var loadedAt: Date?
        var loading: Loading?
        var generation = 0
        var loads = 0
    }

    /// How long a loaded value is believed without a caller asking for anything newer.
    public let timeToLive: TimeInterval
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// - Parameters:
    ///   - timeToLive: How long a loaded value is believed (seconds).
    ///   - now: The clock (tests inject one).
    public init(timeToLive: TimeInterval, now: @escaping @Sendable () -> Date = Date.init) {
        self.timeToLive = timeToLive
        self.now = now
    }

    /// When the value held was loaded (its load started), or `nil` when nothing is held.
    public var loadedAt: Date? { state.withLock { $0.loadedAt } }

    /// How many loads were started (for tests and the directory's statistics).
    public var loads: Int { state.withLock { $0.loads } }

    /// The value held, if it was loaded at or after `notBefore` and within the time to live;
    /// `nil` otherwise. Never loads.
    public func current(notBefore: Date? = nil) -> Value? {
        let now = self.now()
        return state.withLock { state in
            guard let value = state.value, let at = state.loadedAt,
                Self.fresh(at, notBefore: notBefore, now: now, ttl: timeToLive)
            else { return nil }
            return value
        }
    }

    /// The listing, loaded at or after `notBefore` (any time within the time to live when `nil`):
    /// the value held if it is fresh enough, else a running load that started late enough, else
    /// a new load with `load`.
    ///
    /// - Throws: The load's error (nothing is held after a failed load that had nothing before).
    public func value(notBefore: Date? = nil, load: @escaping Load) async throws -> Value {
        let now = self.now()
        let next: Next<Value> = state.withLock { state in
            if let value = state.value, let at = state.loadedAt,
                Self.fresh(at, notBefore: notBefore, now: now, ttl: timeToLive)
            {
                return .value(value)
            }
            if let loading = state.loading, notBefore.map({ loading.startedAt >= $0 }) ?? true {
                return .wait(loading.task)
            }
            state.generation += 1
            state.loads += 1
            let generation = state.generation
            let task = Task { [self] in
                let result: Result<Value, any Error>
                do { result = .success(try await load()) } catch { result = .failure(error) }
                return try self.finish(generation: generation, result: result)
            }
            state.loading = Loading(startedAt: now, task: task, pending: [], generation: generation)
            return .wait(task)
        }
        switch next {
        case .value(let value): return value
        case .wait(let task): return try await task.value
        }
    }

    /// Applies a change Roster made (and the vendor confirmed) to the value held and to any load
    /// in flight. Does nothing to a listing never loaded.
    public func update(_ change: @escaping @Sendable (inout Value) -> Void) {
        state.withLock { state in
            if state.value != nil { change(&state.value!) }
            state.loading?.pending.append(change)
        }
    }

    /// Forgets the value held: the next caller lists again (the vendor contradicted it). A load in
    /// flight is left to finish but its result is not kept.
    public func invalidate() {
        state.withLock { state in
            state.value = nil
            state.loadedAt = nil
            state.loading = nil
        }
    }

    private enum Next<V: Sendable> {
        case value(V)
        case wait(Task<V, any Error>)
    }

    private func finish(generation: Int, result: Result<Value, any Error>) throws -> Value {
        try state.withLock { state in
            guard let loading = state.loading, loading.generation == generation else {
                // Invalidated (or superseded) while loading: hand the answer to those waiting,
                // keep nothing.
                return try result.get()
            }
            state.loading = nil
            var value = try result.get()
            for change in loading.pending { change(&value) }
            state.value = value
            state.loadedAt = loading.startedAt
            return value
        }
    }

    private static func fresh(_ at: Date, notBefore: Date?, now: Date, ttl: TimeInterval) -> Bool {
        if let notBefore, at < notBefore { return false }
        return now.timeIntervalSince(at) < ttl
    }
}
