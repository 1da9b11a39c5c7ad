/// A vendor answered a mutation in a way that contradicts what the directory showed the step (an
/// invite refused because one is pending, a member added who is already there, a project that is
/// gone): the step lists the concerned listings again and looks once more before acting.
///
/// Connectors raise it from ``mutation(decidedFrom:in:contradicts:_:)`` around mutations decided from directory
/// entries; the connector's run catches it, forgets the listings, and runs the step once more with
/// new listings. A second contradiction is the vendor's real answer and is thrown as is.
public struct DirectoryContradiction: Error, CustomStringConvertible {
    /// A listing of a vendor directory that may be wrong: its kind, and the project (or other
    /// scope) it lists when the vendor lists per project.
    public struct Listing: Sendable, Hashable {
        var kind: String
        var scope: String?

        static let projects = Listing(kind: "projects")
        static let users = Listing(kind: "users")
        static let invites = Listing(kind: "invites")
        /// The members of one project.
        static func members(_ projectID: String) -> Listing { Listing(kind: "members", scope: projectID) }
        /// The invites of one project (vendors that invite per project).
        static func projectInvites(_ projectID: String) -> Listing {
            Listing(kind: "project_invites", scope: projectID)
        }
    }

    /// The vendor's answer.
    let underlying: VendorError
    /// The listings to list again.
    let listings: Set<Listing>

    public var description: String { "the vendor's answer contradicts the directory: \(underlying)" }

    /// Whether `error` may mean the directory was wrong rather than the request: a 400 or 409 (the
    /// thing exists already, the person is a member) or a 404 (the thing is gone).
    static func mayContradict(_ error: VendorError) -> Bool {
        guard let status = error.status else { return false }
        return status == 400 || status == 404 || status == 409
    }
}

/// Runs a mutation decided from `listings` of `directory`.
///
/// - An answer that may contradict them (`contradicts`, by default 400/404/409:
///   ``DirectoryContradiction/mayContradict(_:)``) becomes a ``DirectoryContradiction``: the run
///   lists them again and looks once more.
/// - Another refusal (a 4xx) is the vendor's real answer: the vendor did not apply it, so the
///   listings stand.
/// - A failure whose outcome is unknown (a 5xx, a cut connection: the vendor may have applied it)
///   makes the directory forget them, so the retried step lists again instead of deciding from a
///   listing that cannot show what the lost answer did.
///
/// Deletes pass `contradicts: { _ in false }`: their 404 is success (``DeleteOutcome``) and their
/// other refusals (an owner cannot be removed) are not to be asked twice.
func mutation<T>(
    decidedFrom listings: Set<DirectoryContradiction.Listing>,
    in directory: some ContradictableDirectory,
    contradicts: (VendorError) -> Bool = DirectoryContradiction.mayContradict,
    _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch let error as VendorError where contradicts(error) {
        throw DirectoryContradiction(underlying: error, listings: listings)
    } catch {
        if let status = (error as? VendorError)?.status, (400..<500).contains(status) { throw error }
        directory.forget(listings)
        throw error
    }
}

/// ``mutation(decidedFrom:in:contradicts:_:)`` with the listings spelled out.
func mutation<T>(
    decidedFrom listings: DirectoryContradiction.Listing...,
    in directory: some ContradictableDirectory,
    contradicts: (VendorError) -> Bool = DirectoryContradiction.mayContradict,
    _ body: () async throws -> T
) async throws -> T {
    try await mutation(decidedFrom: Set(listings), in: directory, contradicts: contradicts, body)
}
