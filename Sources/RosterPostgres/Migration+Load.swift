import Foundation

extension Migration {
    /// Loads the migrations in `directory` from files named `NNNN_name.sql` (`0001_jobs.sql`),
    /// in version order. Other files (`README.md`) are ignored.
    ///
    /// - Throws: ``PostgresError/Code/migration`` when the directory cannot be read, a `.sql`
    ///   file is not named `NNNN_name.sql`, two files share a version, or the versions do not run
    ///   1, 2, 3, … without gaps.
    public static func load(directory: String) throws -> [Migration] {
        let fileNames: [String]
        do {
            fileNames = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw Self.error("cannot read the migrations directory \(directory)")
        }
        var migrations: [Migration] = []
        var files: [Int: String] = [:]
        for fileName in fileNames.sorted() where fileName.hasSuffix(".sql") {
            guard let (version, name) = Self.parse(fileName: fileName) else {
                throw Self.error("\(fileName) is not named NNNN_name.sql (digits, underscore, letters, digits, _ or -)")
            }
            if let other = files[version] {
                throw Self.error("\(other) and \(fileName) both have version \(version)")
            }
            files[version] = fileName
            let path = (directory as NSString).appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: path),
                let sql = String(data: data, encoding: .utf8)
            else {
                throw Self.error("cannot read \(fileName) as UTF-8 text")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        try Self.checkSequence(migrations)
        return migrations
    }

    /// Checks that versions run 1, 2, 3, … with no duplicates or gaps.
    static func checkSequence(_ migrations: [Migration]) throws(PostgresError) {
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            if index > 0 && migrations[index - 1].version == migration.version {
                throw Self.error("two migrations have version \(migration.version)")
            }
            throw Self.error(
                "migration versions must run 1, 2, 3, … without gaps; expected \(index + 1), found \(migration.version)"
            )
        }
    }

    /// `0003_add_jobs.sql` → (3, "add_jobs").
    static func parse(fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(".sql".count)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let version = Int(digits), !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else {
            return nil
        }
        return (version, String(name))
    }

    static func error(_ reason: String) -> PostgresError {
        PostgresError(code: .migration, reason: reason)
    }
}
