import Foundation
import Logging
import RosterCore

/// The shape of one step being carried out by a connector: the step, its recovery point, and the
/// dispatch on its action. Every connector's run follows it, so the engine's rules (checkpoint
/// then audit, list anew after a contradiction) live in one place.
///
/// A connector builds its run for each ``VendorConnector/run(_:for:context:)`` call and hands it to
/// ``perform(_:directory:)``.
protocol ConnectorRun {
    /// The step being carried out.
    var step: VendorStep { get }
    /// The step's recovery point and audit trail.
    var progress: StepProgress { get }
    /// Set by ``listAnew()``: every listing read from then on must have started after it.
    var listedAnewAt: Date? { get set }

    /// Carries out the step (one `case` per ``VendorStep/Action`` the vendor supports; the rest
    /// throw ``VendorError/invalidStep(_:vendor:file:line:)``).
    mutating func perform() async throws -> StepOutcome
}

/// A directory a connector's run reads; it forgets listings a vendor answer contradicted.
public protocol ContradictableDirectory: Sendable {
    /// Forgets `listings`, so the next read lists them again.
    func forget(_ listings: Set<DirectoryContradiction.Listing>)
}

extension ConnectorRun {
    /// The oldest listing start this step may rely on: after a contradiction, that moment; else
    /// what the engine asked for (``StepContext/freshness``).
    var notBefore: Date? {
        listedAnewAt ?? progress.context.freshness.notBefore
    }

    /// The later of the step's own floor (``notBefore``) and `floor`: a listing must satisfy both.
    func notBefore(atLeast floor: Date?) -> Date? {
        switch (notBefore, floor) {
        case (nil, let floor): return floor
        case (let own, nil): return own
        case (let own?, let floor?): return max(own, floor)
        }
    }

    /// Whether lookups about the person must go to the vendor rather than a listing held.
    var mustLookAgain: Bool {
        listedAnewAt != nil || progress.context.freshness.demandsNewListing
    }

    /// From now on, read only listings that start after this moment.
    mutating func listAnew() {
        listedAnewAt = Date()
    }

    /// Runs the step; when the vendor contradicts the directory, forgets the listings concerned and
    /// runs it once more on new listings (mutations already made are in the state and are not
    /// repeated). A second contradiction is the vendor's real answer.
    mutating func perform(directory: some ContradictableDirectory) async throws -> StepOutcome {
        do {
            return try await perform()
        } catch let contradiction as DirectoryContradiction {
            progress.context.logger.info(
                "vendor answer contradicts the directory; listing again",
                metadata: ["status": "\(contradiction.underlying.status.map(String.init) ?? "-")"]
            )
            directory.forget(contradiction.listings)
            listAnew()
            do {
                return try await perform()
            } catch let again as DirectoryContradiction {
                throw again.underlying
            }
        }
    }
}
