internal import CRdkafka

/// The version of the librdkafka library linked at run time.
///
/// Distribution packages can be stale (swift-kafka-client left the system-library design over it),
/// so every client factory calls ``check()`` first, and `roster` calls it at start-up.
public struct KafkaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    public var major: Int
    /// The minor version.
    public var minor: Int
    /// The revision.
    public var revision: Int

    /// Creates a version.
    public init(major: Int, minor: Int, revision: Int) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    /// Decodes librdkafka's `0xMMmmrrxx` version integer (`rd_kafka_version()`).
    public init(hex: Int32) {
        let value = UInt32(bitPattern: hex)
        self.init(major: Int(value >> 24 & 0xff), minor: Int(value >> 16 & 0xff), revision: Int(value >> 8 & 0xff))
    }

    /// The oldest librdkafka Roster supports: 2.0.0 (incremental rebalancing, `rd_kafka_produceva`,
    /// `rd_kafka_consumer_close_queue`, and the mock cluster API used in tests).
    public static let minimumSupported = KafkaVersion(major: 2, minor: 0, revision: 0)

    /// The linked librdkafka's version.
    public static var linked: KafkaVersion { KafkaVersion(hex: rd_kafka_version()) }

    /// The linked librdkafka's own version string (`rd_kafka_version_str()`), e.g. `2.0.2`.
    public static var linkedString: String { String(cString: rd_kafka_version_str()) }

    /// Throws unless the linked librdkafka is at least ``minimumSupported``.
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/unsupportedVersion``.
    public static func check() throws {
        try check(linked)
    }

    /// Throws unless `version` is at least ``minimumSupported``.
    ///
    /// - Throws: ``KafkaError`` with code ``KafkaError/Code/unsupportedVersion``.
    public static func check(_ version: KafkaVersion) throws {
        guard version >= minimumSupported else {
            throw KafkaError(
                code: .unsupportedVersion,
                reason: "librdkafka \(version) is linked but Roster needs \(minimumSupported) or later; "
                    + "install a newer librdkafka-dev (Debian 12 ships 2.0.2)")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.revision) < (rhs.major, rhs.minor, rhs.revision)
    }

    /// `major.minor.revision`.
    public var description: String { "\(major).\(minor).\(revision)" }
}
