import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real HTTP/1.1 server on a loopback address and a random port that hands every request to
/// a closure: the transport under each fake vendor server.
///
/// ```swift
/// let server = FakeHTTPServer { request in .json(200, "{}") }
/// let port = try await server.start()
/// defer { Task { await server.stop() } }
/// ```
public final class FakeHTTPServer: Sendable {
    /// Errors from ``start(host:)``.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    private struct Running: Sendable {
        var group: ServiceGroup
        var task: Task<Void, Never>
        var port: Int
    }

    private let handler: @Sendable (FakeHTTPRequest) async -> FakeHTTPResponse
    private let running = Mutex<Running?>(nil)
    /// The largest request body accepted.
    private let maximumBodyBytes = 4 << 20

    /// - Parameter handler: Answers each request; runs concurrently for concurrent requests.
    public init(handler: @escaping @Sendable (FakeHTTPRequest) async -> FakeHTTPResponse) {
        self.handler = handler
    }

    /// The port while running.
    public var port: Int? { running.withLock { $0?.port } }

    /// Starts listening on `host` and a port the system picks.
    ///
    /// - Returns: The port.
    /// - Throws: ``StartError`` when the server is already running or could not bind.
    @discardableResult
    public func start(host: String = "127.0.0.1") async throws -> Int {
        if running.withLock({ $0 != nil }) { throw StartError(description: "already running") }
        var logger = Logger(label: "roster.fake-http")
        logger.logLevel = .error
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let handler = self.handler
        let maximumBodyBytes = self.maximumBodyBytes
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: maximumBodyBytes)
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName] = field.value
            }
            let fake = FakeHTTPRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                rawQuery: request.uri.query ?? "",
                headers: headers,
                body: Array(buffer: body)
            )
            let answer = await handler(fake)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPFields.Element.Name(name) { fields[name] = value }
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
            )
        }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        let group = ServiceGroup(services: [application], logger: logger)
        let task = Task {
            try? await group.run()
            portContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            await task.value
            throw StartError(description: "could not listen on \(host)")
        }
        running.withLock { $0 = Running(group: group, task: task, port: port) }
        return port
    }

    /// Stops the server gracefully and waits until it has stopped. Does nothing when stopped.
    public func stop() async {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        await current.group.triggerGracefulShutdown()
        await current.task.value
    }
}
