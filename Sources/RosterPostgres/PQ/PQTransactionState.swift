internal import CLibpq

/// libpq's view of a connection's transaction (`PQtransactionStatus`), in Swift terms, so that
/// nothing above the `PQ` layer sees `PQTRANS_*`.
enum PQTransactionState: Sendable, Equatable {
    /// No transaction open, no command running (`PQTRANS_IDLE`).
    case idle
    /// A command is running (`PQTRANS_ACTIVE`).
    case active
    /// Inside a transaction block (`PQTRANS_INTRANS`).
    case inTransaction
    /// Inside a failed transaction block (`PQTRANS_INERROR`).
    case inFailedTransaction
    /// The connection is bad (`PQTRANS_UNKNOWN`), or there is none.
    case unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_ACTIVE: self = .active
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .inFailedTransaction
        default: self = .unknown
        }
    }

    /// Inside a transaction block, failed or not: one that must end with COMMIT or ROLLBACK.
    var isInTransactionBlock: Bool { self == .inTransaction || self == .inFailedTransaction }
}
