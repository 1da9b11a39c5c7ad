/// The page shell: a skip link, the navigation (with `aria-current`), who is signed in, the
/// read-only notice, and the content in `<main>`. Styles and the script come from `/static`.
struct Layout {
    /// The navigation's sections.
    enum Section: String, CaseIterable {
        case overview, jobs, employees, deadLetters

        var title: String {
            switch self {
            case .overview: "Overview"
            case .jobs: "Jobs"
            case .employees: "Employees"
            case .deadLetters: "Dead letters"
            }
        }

        var path: String {
            switch self {
            case .overview: "/"
            case .jobs: "/jobs"
            case .employees: "/employees"
            case .deadLetters: "/dead-letters"
            }
        }
    }

    var title: String
    var section: Section?
    var operatorName: String?
    var readOnly: Bool
    /// The session's CSRF token, for scripts and tests (forms carry it in a hidden field).
    var csrfToken: String? = nil
    var content: HTML

    var html: HTML {
        let nav = HTML.join(
            Section.allCases.map { item in
                item == section
                    ? "<a href=\"\(item.path)\" aria-current=\"page\">\(item.title)</a>"
                    : "<a href=\"\(item.path)\">\(item.title)</a>"
            })
        var who: HTML = operatorName.map { "operator <strong>\($0)</strong>" } ?? .empty
        if readOnly { who += " · read-only" }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(csrfToken.map { "<meta name=\"csrf-token\" content=\"\($0)\">" as HTML } ?? .empty)
            <title>\(title) · Roster</title>
            <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="\(Assets.stylesheetPath)">
            <script src="\(Assets.scriptPath)" defer></script>
            </head>
            <body>
            <a class="skip" href="#content">Skip to content</a>
            <header class="top">
            <span class="brand">Roster</span>
            <nav aria-label="Sections">\(nav)</nav>
            <span class="who">\(who)</span>
            </header>
            <main id="content" tabindex="-1">
            \(content)
            </main>
            </body>
            </html>
            """
    }
}
