import Testing

@testable import RosterPostgres

/// The pool's bookkeeping as a pure value: connections are strings, waiters are ints.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<String, Int>

    @Test func opensUpToSizeThenQueuesWaiters() {
        var machine = Machine(size: 2)
        #expect(machine.acquire(id: 1, waiter: 1).isConnect)
        #expect(machine.acquire(id: 2, waiter: 2).isConnect)
        #expect(machine.acquire(id: 3, waiter: 3).isWait)
        #expect(machine.taken == 2)
        #expect(machine.waiting == 1)
    }

    @Test func releaseHandsTheConnectionToTheFirstWaiter() {
        var machine = Machine(size: 1)
        _ = machine.acquire(id: 1, waiter: 1)
        _ = machine.acquire(id: 2, waiter: 2)
        _ = machine.acquire(id: 3, waiter: 3)
        guard case .resume(let waiter, .connection(let connection)) = machine.release("a") else {
            Issue.record("expected the first waiter to get the connection")
            return
        }
        #expect(waiter == 2)
        #expect(connection == "a")
        #expect(machine.waiting == 1)
        #expect(machine.idle.isEmpty)
    }

    @Test func releaseWithoutWaitersKeepsTheConnectionIdleAndReusesItLIFO() {
        var machine = Machine(size: 2)
        _ = machine.acquire(id: 1, waiter: 1)
        _ = machine.acquire(id: 2, waiter: 2)
        #expect(machine.release("a").isNone)
        #expect(machine.release("b").isNone)
        #expect(machine.idle == ["a", "b"])
        guard case .grant(.connection(let connection)) = machine.acquire(id: 3, waiter: 3) else {
            Issue.record("expected an idle connection")
            return
        }
        #expect(connection == "b")
        #expect(machine.leased == 1)
    }

    @Test func discardFreesTheSlotOrGivesItToAWaiter() {
        var machine = Machine(size: 1)
        _ = machine.acquire(id: 1, waiter: 1)
        _ = machine.acquire(id: 2, waiter: 2)
        guard case .closeAndResume("a"?, 2) = machine.discard("a") else {
            Issue.record("expected the waiter to get the slot")
            return
        }
        #expect(machine.taken == 1)
        guard case .closeOnly(nil) = machine.discard(nil) else {
            Issue.record("expected the slot to be freed")
            return
        }
        #expect(machine.taken == 0)
        #expect(machine.acquire(id: 3, waiter: 3).isConnect)
    }

    @Test func removedWaitersAreNotResumedTwice() {
        var machine = Machine(size: 1)
        _ = machine.acquire(id: 1, waiter: 1)
        _ = machine.acquire(id: 2, waiter: 2)
        #expect(machine.removeWaiter(id: 2) == 2)
        #expect(machine.removeWaiter(id: 2) == nil)
        #expect(machine.release("a").isNone)
        #expect(machine.idle == ["a"])
    }

    @Test func closeFailsWaitersClosesIdleAndLaterReturns() {
        var machine = Machine(size: 2)
        _ = machine.acquire(id: 1, waiter: 1)
        _ = machine.acquire(id: 2, waiter: 2)
        _ = machine.acquire(id: 3, waiter: 3)
        _ = machine.release("a")  // goes to waiter 3
        _ = machine.acquire(id: 4, waiter: 4)
        let (idle, waiters) = machine.close()
        #expect(idle.isEmpty)
        #expect(waiters == [4])
        guard case .close("b") = machine.release("b") else {
            Issue.record("expected a connection returned after close to be closed")
            return
        }
        guard case .closeOnly("a"?) = machine.discard("a") else {
            Issue.record("expected a broken connection to be closed")
            return
        }
        #expect(machine.taken == 0)
        #expect(machine.acquire(id: 5, waiter: 5).isFailClosed)
    }
}

extension PoolStateMachine.AcquireAction {
    var isConnect: Bool {
        if case .grant(.connect) = self { return true }
        return false
    }

    var isWait: Bool {
        if case .wait = self { return true }
        return false
    }

    var isFailClosed: Bool {
        if case .failClosed = self { return true }
        return false
    }
}

extension PoolStateMachine.ReleaseAction {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
