import Foundation

/// Paths inside this repository, found from the test source file.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func examples(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = root.appendingPathComponent("schemas/examples/\(folder)")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
            .map {
                ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0))))
            }
    }
}
