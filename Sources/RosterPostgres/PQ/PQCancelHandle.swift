internal import CLibpq
import Synchronization

/// Owns the `PGcancel` of one connection and sends cancel requests for the statement that is
/// running, from any thread.
///
/// `PQcancel` is the thread-safe way to cancel (libpq manual 34.7): it may be called while
/// another thread is blocked in `PQexecParams` on the same connection. The `PGcancel` comes
/// from `PQgetCancel` and must be freed with `PQfreeCancel` exactly once, which ``free()``
/// does under the lock so a concurrent ``cancel(statement:)`` never uses a freed object.
final class PQCancelHandle: Sendable {
    private struct State {
        var cancel: SendableOpaquePointer?
        /// The statement now running, so a late cancel request never hits the next statement.
        var runningStatement: UInt64?
    }

    private let state: Mutex<State>

    /// Takes ownership of `cancel` (a `PGcancel *` from `PQgetCancel`, or `nil`).
    init(taking cancel: OpaquePointer?) {
        self.state = Mutex(State(cancel: cancel.map(SendableOpaquePointer.init), runningStatement: nil))
    }

    deinit {
        self.free()
    }

    /// Marks `statement` as running (`nil`: none is).
    func setRunning(_ statement: UInt64?) {
        self.state.withLock { $0.runningStatement = statement }
    }

    /// Asks the server to cancel `statement` if it is still the running one. Blocks for the
    /// round trip of a new connection to the server (run it off the cooperative pool).
    func cancel(statement: UInt64) {
        self.state.withLock { state in
            guard state.runningStatement == statement, let cancel = state.cancel else { return }
            var errorBuffer = [CChar](repeating: 0, count: 256)
            // PQcancel returns 0 on failure with a message in errorBuffer; a failed cancel only
            // means the statement runs to completion, so the result is ignored.
            _ = PQcancel(cancel.pointer, &errorBuffer, Int32(errorBuffer.count))
        }
    }

    /// Frees the `PGcancel` (once; later calls do nothing).
    func free() {
        self.state.withLock { state in
            if let cancel = state.cancel {
                PQfreeCancel(cancel.pointer)
                state.cancel = nil
            }
        }
    }
}

/// A C handle moved between threads.
///
/// `@unchecked Sendable`: it is only a pointer value; every type that stores one documents which
/// thread or lock confines the use of the object it points to.
struct SendableOpaquePointer: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }
}
