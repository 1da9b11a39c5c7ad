import Hummingbird

extension Console {
    /// `/login` (the token and who you are) and `/logout`. Only when the console needs sign-in.
    func addSignInRoutes(to router: Router<ConsoleContext>) {
        router.get("login") { _, context in
            guard configuration.requiresSignIn else { return ConsoleResponse.redirect("/") }
            return ConsoleResponse.page(signInPage(context, error: nil))
        }
        router.post("login") { _, context in
            guard let token = configuration.token else { return ConsoleResponse.redirect("/") }
            let given = context.form["token"] ?? ""
            guard ConsoleSession.constantTimeEquals(given, token) else {
                // Same answer for any wrong token, after the same work.
                return ConsoleResponse.page(
                    signInPage(context, error: "That token is not the console's token."), status: .unauthorized)
            }
            guard let name = context.form["operator"], Self.isValidOperatorName(name) else {
                return ConsoleResponse.page(
                    signInPage(context, error: "Give your name (letters, digits, . _ -): it goes into the audit log."),
                    status: .badRequest)
            }
            let session = sessions.signIn(replacing: context.session?.id, operatorName: name)
            var response = ConsoleResponse.redirect("/")
            response.setCookie(ConsoleSecurityMiddleware.cookie(for: session))
            return response
        }
        router.post("logout") { _, context in
            if let id = context.session?.id { sessions.end(id) }
            return ConsoleResponse.redirect(configuration.requiresSignIn ? "/login" : "/")
        }
    }

    /// An operator name as recorded in the audit log (`operator:NAME`): no addresses, no spaces.
    static func isValidOperatorName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
            }
    }

    func signInPage(_ context: ConsoleContext, error: String?) -> HTML {
        let notice: HTML = error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty
        let content: HTML = """
            <h1>Sign in</h1>
            \(notice)
            <p>This console needs the access token in <code>\(configuration.tokenVariable)</code> of the process that serves it.</p>
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(context.session?.csrfToken ?? "")">
            <p><label for="operator">Your name (for the audit log)</label><br>
            <input id="operator" name="operator" autocomplete="username" required></p>
            <p><label for="token">Access token</label><br>
            <input id="token" name="token" type="password" autocomplete="current-password" required></p>
            <p><button class="primary" type="submit">Sign in</button></p>
            </form>
            """
        return layout("Sign in", nil, context, content)
    }
}
