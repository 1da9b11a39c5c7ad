/// The pool's bookkeeping as a pure value: which connections are idle, how many slots are
/// taken, who waits. ``PostgresPool`` keeps it in a `Mutex` and performs the returned actions
/// (resume a waiter, open or close a connection) after releasing the lock.
///
/// A slot is taken from the moment a lease is granted the right to connect until its
/// connection is discarded, so there are never more than `size` connections, connecting or open.
struct PoolStateMachine<Connection, Waiter> {
    typealias Grant = PoolGrant<Connection>

    enum AcquireAction {
        /// Hand the grant to the caller now.
        case grant(Grant)
        /// The caller was queued; it is resumed by a later action.
        case wait
        /// The pool is closed.
        case failClosed
    }

    enum ReleaseAction {
        case none
        /// Give the connection to this waiter.
        case resume(Waiter, Grant)
        /// Close the connection (pool closed).
        case close(Connection)
        /// Close the connection and let the waiter connect in the freed slot.
        case closeAndResume(Connection?, Waiter)
        /// Close the connection, the slot is free.
        case closeOnly(Connection?)
    }

    private struct QueuedWaiter {
        var id: Int
        var waiter: Waiter
    }

    let size: Int
    /// Idle connections, most recently used last.
    private(set) var idle: [Connection] = []
    /// Slots taken: idle + leased + connecting.
    private(set) var taken = 0
    private var waiters: [QueuedWaiter] = []
    private(set) var isClosed = false

    init(size: Int) {
        precondition(size > 0, "a pool needs at least one connection")
        self.size = size
    }

    var leased: Int {
        self.taken - self.idle.count
    }

    var waiting: Int {
        self.waiters.count
    }

    /// A lease wants a connection: an idle one (most recently used first), else a new slot, else
    /// it waits in FIFO order.
    mutating func acquire(id: Int, waiter: Waiter) -> AcquireAction {
        if self.isClosed {
            return .failClosed
        }
        if let connection = self.idle.popLast() {
            return .grant(.connection(connection))
        }
        if self.taken < self.size {
            self.taken += 1
            return .grant(.connect)
        }
        self.waiters.append(QueuedWaiter(id: id, waiter: waiter))
        return .wait
    }

    /// Removes a waiter that timed out or was cancelled. `nil` when it was already resumed.
    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// A lease returns a healthy connection.
    mutating func release(_ connection: Connection) -> ReleaseAction {
        if self.isClosed {
            self.taken -= 1
            return .close(connection)
        }
        if !self.waiters.isEmpty {
            return .resume(self.waiters.removeFirst().waiter, .connection(connection))
        }
        self.idle.append(connection)
        return .none
    }

    /// A lease gives up its slot: its connection is broken (close it), or connecting failed
    /// (`nil`). The first waiter, if any, gets the slot to connect in.
    mutating func discard(_ connection: Connection?) -> ReleaseAction {
        if !self.isClosed && !self.waiters.isEmpty {
            return .closeAndResume(connection, self.waiters.removeFirst().waiter)
        }
        self.taken -= 1
        return .closeOnly(connection)
    }

    /// Closes the pool: returns the idle connections to close and the waiters to fail.
    /// Leased connections are closed when they are returned.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        if self.isClosed {
            return ([], [])
        }
        self.isClosed = true
        let idle = self.idle
        let waiters = self.waiters.map(\.waiter)
        self.taken -= idle.count
        self.idle = []
        self.waiters = []
        return (idle, waiters)
    }
}

/// What a pool lease receives.
enum PoolGrant<Connection> {
    /// An idle connection, to health-check before use.
    case connection(Connection)
    /// A reserved slot: open a new connection.
    case connect
}

extension PoolGrant: Sendable where Connection: Sendable {}
