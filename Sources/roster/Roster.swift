import ArgumentParser

@main
struct Roster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "HR-driven access provisioning worker and operator tool."
    )
}
