import Testing

extension Tag {
    /// Runs librdkafka's in-process mock cluster.
    @Tag static var mockCluster: Self
    /// Waits on group protocol timers (first join 3 s, session timeouts): seconds, not milliseconds.
    @Tag static var slow: Self
    /// Measures and prints throughput.
    @Tag static var benchmark: Self
}
