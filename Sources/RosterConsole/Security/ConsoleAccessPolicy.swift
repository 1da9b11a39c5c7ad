/// Safe by default: the console listens on loopback unless told otherwise, and on any other
/// address it does not start without an access token.
public enum ConsoleAccessPolicy {
    /// The shortest token accepted (a guessable token is no protection).
    public static let minimumTokenLength = 24

    /// Why the console must not start with `configuration`, or `nil` when it may.
    public static func refusal(for configuration: ConsoleConfiguration) -> String? {
        if let token = configuration.token, token.count < minimumTokenLength {
            return
                "\(configuration.tokenVariable) is too short: use at least \(minimumTokenLength) random characters (e.g. openssl rand -hex 24)"
        }
        if !isLoopback(configuration.host), configuration.token == nil {
            return "the console would listen on \(configuration.host), which is not loopback, without authentication: "
                + "set \(configuration.tokenVariable) to a token people sign in with, or listen on 127.0.0.1"
        }
        return nil
    }

    /// `127.0.0.0/8`, `::1` and `localhost`.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part) != nil }
    }
}
