import Foundation
import RosterTesting
import RosterVendors
import Synchronization
import Testing

/// Starts a ``FakeOpenAIServer``, hands a client pointed at it to `body`, and stops the server.
func withFakeOpenAI(
    options: FakeOpenAIState.Options = .init(),
    requestTimeout: Duration = .seconds(10),
    _ body: (FakeOpenAIServer, OpenAIAdminClient) async throws -> Void
) async throws {
    let fake = FakeOpenAIServer(options: options)
    let baseURL = try await fake.start()
    let client = OpenAIAdminClient(
        baseURL: baseURL.absoluteString, adminKey: fake.adminKey, requestTimeout: requestTimeout)
    do {
        try await body(fake, client)
        await fake.stop()
    } catch {
        await fake.stop()
        throw error
    }
}

/// Runs `operation`, expecting a ``VendorError``, and returns it.
func expectVendorError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Void
) async -> VendorError? {
    do {
        try await operation()
        Issue.record("expected a VendorError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as VendorError {
        return error
    } catch {
        Issue.record("expected a VendorError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A transport that answers every request with a canned response and remembers the requests.
final class StubTransport: VendorTransport {
    let response: VendorResponse
    private let sent = LockedRequests()

    init(_ response: VendorResponse) {
        self.response = response
    }

    init(status: Int, headers: VendorHeaders = [:], body: String) {
        self.response = VendorResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    var requests: [VendorRequest] { sent.values }

    func send(_ request: VendorRequest) async throws -> VendorResponse {
        sent.append(request)
        return response
    }
}

/// A lock-protected list, for ``StubTransport``.
final class LockedRequests: Sendable {
    private let storage = Mutex<[VendorRequest]>([])

    func append(_ request: VendorRequest) {
        storage.withLock { $0.append(request) }
    }

    var values: [VendorRequest] { storage.withLock { $0 } }
}
