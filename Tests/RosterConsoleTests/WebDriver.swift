import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RosterTesting

/// Just enough of the W3C WebDriver protocol, over HTTP to Debian's `chromedriver`, to drive
/// headless Chromium from a test: navigate, find and click elements, type, read the page source,
/// the browser's console log and cookies, run a script, take screenshots.
final class WebDriver: @unchecked Sendable {
    // @unchecked: one test task drives one browser, sequentially.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Whether Debian's chromium and chromium-driver are installed (`ops/lib/install-deps`).
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium)
            && FileManager.default.isExecutableFile(atPath: chromedriver)
    }

    private let driver: Process
    private let http = HTTPClient(eventLoopGroupProvider: .singleton)
    private let base: String
    private var session = ""

    private init(driver: Process, port: Int) {
        self.driver = driver
        self.base = "http://127.0.0.1:\(port)"
    }

    /// Starts chromedriver on a free loopback port and a headless Chromium session.
    static func start() async throws -> WebDriver {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.runBesideMockBrokers()
        let webDriver = WebDriver(driver: process, port: port)
        do {
            for attempt in 0... {
                if (try? await webDriver.command(.GET, "/status")) != nil { break }
                if attempt > 100 { throw Failure(description: "chromedriver did not answer on port \(port)") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let capabilities: [String: Any] = [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,1400",
                        "--no-first-run", "--disable-extensions", "--lang=en-US",
                    ],
                ],
                "goog:loggingPrefs": ["browser": "ALL"],
            ]
            let created = try await webDriver.command(
                .POST, "/session", ["capabilities": ["alwaysMatch": capabilities]])
            guard let id = (created as? [String: Any])?["sessionId"] as? String else {
                throw Failure(description: "no session: \(created)")
            }
            webDriver.session = id
            return webDriver
        } catch {
            await webDriver.quit()
            throw error
        }
    }

    func quit() async {
        if !session.isEmpty { _ = try? await command(.DELETE, "/session/\(session)") }
        session = ""
        if driver.isRunning { driver.terminate() }
        try? await http.shutdown()
    }

    // MARK: - Commands

    func go(_ url: String) async throws { _ = try await command(.POST, "/session/\(session)/url", ["url": url]) }
    func source() async throws -> String { try await command(.GET, "/session/\(session)/source") as? String ?? "" }
    func currentURL() async throws -> String { try await command(.GET, "/session/\(session)/url") as? String ?? "" }

    func find(_ css: String) async throws -> String {
        let found = try await command(.POST, "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let id = (found as? [String: Any])?[Self.elementKey] as? String else {
            throw Failure(description: "no element \(css)")
        }
        return id
    }

    func findAll(_ css: String) async throws -> [String] {
        let found =
            try await command(.POST, "/session/\(session)/elements", ["using": "css selector", "value": css])
            as? [[String: Any]] ?? []
        return found.compactMap { $0[Self.elementKey] as? String }
    }

    func click(_ element: String) async throws {
        _ = try await command(.POST, "/session/\(session)/element/\(element)/click", [:])
    }
    func type(_ element: String, _ text: String) async throws {
        _ = try await command(.POST, "/session/\(session)/element/\(element)/value", ["text": text])
    }
    func text(_ element: String) async throws -> String {
        try await command(.GET, "/session/\(session)/element/\(element)/text") as? String ?? ""
    }

    /// Presses one key (a WebDriver key code such as `"\u{E004}"`, Tab) on the focused element.
    func press(_ key: String) async throws {
        let actions: [String: Any] = [
            "actions": [
                [
                    "type": "key", "id": "keyboard",
                    "actions": [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]],
                ]
            ]
        ]
        _ = try await command(.POST, "/session/\(session)/actions", actions)
    }

    /// Waits until the page's source contains `text` (a click's navigation may still be under
    /// way when the click returns, on a busy machine); the source then.
    @discardableResult
    func waitForSource(containing text: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let page = try await source()
            if page.contains(text) || ContinuousClock.now > deadline { return page }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func execute(_ script: String) async throws -> Any {
        try await command(.POST, "/session/\(session)/execute/sync", ["script": script, "args": [Any]()])
    }

    /// Every cookie of the page, HttpOnly ones included.
    func cookies() async throws -> [[String: Any]] {
        try await command(.GET, "/session/\(session)/cookie") as? [[String: Any]] ?? []
    }

    /// The browser console's entries since the last call.
    func browserLog() async throws -> [[String: Any]] {
        try await command(.POST, "/session/\(session)/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
    }

    func screenshot(to url: URL) async throws {
        guard let base64 = try await command(.GET, "/session/\(session)/screenshot") as? String,
            let data = Data(base64Encoded: base64)
        else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    // MARK: - Transport

    @discardableResult
    private func command(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 32 * 1024 * 1024)
        let json = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView), options: [.fragmentsAllowed])
        let value = (json as? [String: Any])?["value"] ?? NSNull()
        if response.status.code >= 400 {
            throw Failure(description: "WebDriver \(method) \(path): \(response.status.code) \(value)")
        }
        return value
    }

    /// A free loopback port (bound and released: chromedriver takes it at once).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "cannot bind a loopback port") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
