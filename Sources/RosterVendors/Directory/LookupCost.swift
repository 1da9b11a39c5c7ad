import Foundation
import Synchronization

/// Chooses, by measured cost, between looking one person up with a vendor's filter (one call per
/// person) and loading the whole listing into the directory (one call per page, shared by every
/// job of the process).
///
/// With a few jobs in flight a filtered lookup is cheaper; with a backlog the listing is. The
/// demand is the number of lookups asked for in the current ``window`` (a fixed window, so a
/// lookup costs O(1) however large the backlog); the listing's cost is the number of requests its
/// last load took (measured, one page until a load has been seen). The directory wins once the
/// lookups it would replace cost more than loading it: `demand × filtered cost > listing cost`.
public final class LookupCost: Sendable {
    private struct State: Sendable {
        var windowStart: Date?
        var asked = 0
        var listingRequests = 1
    }

    /// How long lookups count as demand (seconds).
    public let window: TimeInterval
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// - Parameters:
    ///   - window: How long lookups count (seconds).
    ///   - now: The clock (tests inject one).
    public init(window: TimeInterval = 30, now: @escaping @Sendable () -> Date = Date.init) {
        self.window = window
        self.now = now
    }

    /// Records one lookup and answers whether the directory is the cheaper way to serve it.
    ///
    /// - Parameter filteredRequests: What a filtered lookup of one person costs (usually 1).
    public func lookUp(filteredRequests: Int = 1) -> Bool {
        let now = self.now()
        return state.withLock { state in
            if let start = state.windowStart, now.timeIntervalSince(start) <= window {
                state.asked += 1
            } else {
                state.windowStart = now
                state.asked = 1
            }
            return state.asked * filteredRequests > state.listingRequests
        }
    }

    /// Records what a load of the whole listing cost, in requests.
    public func listingCost(_ requests: Int) {
        state.withLock { $0.listingRequests = max(1, requests) }
    }

    /// The requests the last load of the listing took (1 until one was seen).
    public var listingRequests: Int { state.withLock { $0.listingRequests } }
}

/// A transport that counts the requests it passes on: what a directory load cost.
final class CountingTransport: VendorTransport {
    let base: any VendorTransport
    private let count = Atomic<Int>(0)

    init(base: any VendorTransport) {
        self.base = base
    }

    func send(_ request: VendorRequest) async throws -> VendorResponse {
        count.wrappingAdd(1, ordering: .relaxed)
        return try await base.send(request)
    }

    /// Requests sent so far.
    var requests: Int { count.load(ordering: .relaxed) }
}
