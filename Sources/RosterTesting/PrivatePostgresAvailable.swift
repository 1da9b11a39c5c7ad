import Foundation

/// Whether this machine has PostgreSQL's server binaries, which `roster dev` needs to start a
/// private server of its own (tests of `roster dev` run only then).
public enum PrivatePostgresAvailable {
    public static var check: Bool {
        let root = "/usr/lib/postgresql"
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).contains {
            FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/pg_ctl")
        }
    }
}
