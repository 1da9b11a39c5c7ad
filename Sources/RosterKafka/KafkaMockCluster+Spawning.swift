import Synchronization

extension KafkaMockCluster {
    /// Runs `spawn`, a call that starts a child process (`posix_spawn`, `Foundation.Process.run()`),
    /// never at the same moment as a mock broker going down in this process.
    ///
    /// librdkafka's mock cluster takes a broker down by closing its listening socket and binding
    /// the port again at once, and aborts the whole process if that bind fails
    /// (`rd_kafka_mock_broker_cmd` in `rdkafka_mock.c`, unchanged from 2.0.2 to master). A child
    /// being spawned holds a copy of every descriptor until it execs (close-on-exec closes them
    /// only then), so a spawn at that instant keeps the old socket listening and the bind fails
    /// with `EADDRINUSE`. Loaded test runs aborted that way twice ("Failed to bind mock broker
    /// socket … Address already in use", then the assertion at `rdkafka_mock.c:2100`), once with a
    /// `Foundation.Process` of another test in its backtrace. `posix_spawn` returns after the
    /// child's exec (glibc spawns with `CLONE_VFORK`), so holding this lock around it closes the
    /// window. It blocks the calling thread only for a spawn or a broker command, both short.
    public static func spawning<Result: Sendable, Failure: Error>(
        _ spawn: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try spawnExclusion.withLock { _ throws(Failure) in try spawn() }
    }

    /// Held by ``spawning(_:)`` and while a broker goes down.
    static let spawnExclusion = Mutex<Void>(())
}
