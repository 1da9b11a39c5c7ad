/// One thing the nemesis does to the system at a scheduled moment. Faults that need undoing
/// (a killed worker, a broker down, a crashed Postgres) are scheduled together with their
/// recovery, which is an entry of its own.
public enum NemesisFault: Sendable, Hashable, CustomStringConvertible {
    /// SIGKILL worker `index` (0-based).
    case killWorker(Int)
    /// Start worker `index` again.
    case restartWorker(Int)
    /// Take mock broker `id` (1-based) down.
    case brokerDown(Int32)
    case brokerUp(Int32)
    /// Move `partition`'s leadership to `broker`.
    case moveLeader(partition: Int32, broker: Int32)
    /// `pg_ctl restart -m fast`.
    case postgresRestart
    /// `pg_ctl stop -m immediate`, as a crash.
    case postgresCrash
    case postgresStart
    /// The next `count` requests to `vendor` answer `status` without touching state.
    case vendorErrors(vendor: String, status: Int, count: Int)
    /// The next `count` requests to `vendor` answer 429, with `Retry-After` when given.
    case vendorThrottle(vendor: String, retryAfter: Int?, count: Int)
    /// The next `count` requests to `vendor` wait `milliseconds` before being handled.
    case vendorLatency(vendor: String, milliseconds: Int, count: Int)
    /// The next request to `vendor` waits past the client's 30 s deadline (and is then applied
    /// anyway, unseen by the caller).
    case vendorTimeout(vendor: String)

    /// The kind, for counting.
    public var kind: String {
        switch self {
        case .killWorker: "worker SIGKILL"
        case .restartWorker: "worker restart"
        case .brokerDown: "broker down"
        case .brokerUp: "broker up"
        case .moveLeader: "leader move"
        case .postgresRestart: "postgres restart"
        case .postgresCrash: "postgres crash"
        case .postgresStart: "postgres start"
        case .vendorErrors: "vendor 5xx"
        case .vendorThrottle(_, let retryAfter, _):
            retryAfter == nil ? "vendor 429 without Retry-After" : "vendor 429 with Retry-After"
        case .vendorLatency: "vendor latency"
        case .vendorTimeout: "vendor timeout"
        }
    }

    /// Recoveries are not faults of their own in the summary's count.
    public var isRecovery: Bool {
        switch self {
        case .restartWorker, .brokerUp, .postgresStart: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .killWorker(let index): "SIGKILL worker \(index)"
        case .restartWorker(let index): "restart worker \(index)"
        case .brokerDown(let id): "broker \(id) down"
        case .brokerUp(let id): "broker \(id) up"
        case .moveLeader(let partition, let broker): "partition \(partition) leader to broker \(broker)"
        case .postgresRestart: "postgres restart"
        case .postgresCrash: "postgres crash"
        case .postgresStart: "postgres start"
        case .vendorErrors(let vendor, let status, let count): "\(vendor) \(status) x\(count)"
        case .vendorThrottle(let vendor, let retryAfter, let count):
            "\(vendor) 429\(retryAfter.map { " Retry-After \($0)" } ?? " no Retry-After") x\(count)"
        case .vendorLatency(let vendor, let ms, let count): "\(vendor) +\(ms) ms x\(count)"
        case .vendorTimeout(let vendor): "\(vendor) timeout (31 s)"
        }
    }
}
