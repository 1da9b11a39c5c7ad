import Testing

@testable import RosterPostgres

@Suite struct PostgresConfigurationTests {
    @Test func parsesEveryPartOfAURL() throws {
        let configuration = try PostgresConfiguration(
            url:
                "postgresql://roster:s%40cret%2Fp%3Aw@db.internal:6543/roster_prod?sslmode=require&application_name=worker%201"
        )
        #expect(configuration["user"] == "roster")
        #expect(configuration["password"] == "s@cret/p:w")
        #expect(configuration["host"] == "db.internal")
        #expect(configuration["port"] == "6543")
        #expect(configuration["dbname"] == "roster_prod")
        #expect(configuration["sslmode"] == "require")
        #expect(configuration["application_name"] == "worker 1")
    }

    @Test func acceptsThePostgresSchemeAndMinimalURLs() throws {
        let configuration = try PostgresConfiguration(url: "postgres://localhost")
        #expect(configuration["host"] == "localhost")
        #expect(configuration["port"] == nil)
        #expect(configuration["user"] == nil)
        #expect(configuration["dbname"] == nil)
        #expect(try PostgresConfiguration(url: "POSTGRESQL://h/db")["dbname"] == "db")
    }

    @Test func keepsPlusSignsAndDecodesUnicode() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://u:a+b%C3%A9@h/caf%C3%A9")
        #expect(configuration["password"] == "a+bé")
        #expect(configuration["dbname"] == "café")
    }

    @Test func parsesIPv6MultipleHostsAndSocketDirectories() throws {
        let ipv6 = try PostgresConfiguration(url: "postgresql://[::1]:5433/db")
        #expect(ipv6["host"] == "::1")
        #expect(ipv6["port"] == "5433")

        let several = try PostgresConfiguration(url: "postgresql://a:5432,b:5433/db?target_session_attrs=read-write")
        #expect(several["host"] == "a,b")
        #expect(several["port"] == "5432,5433")
        #expect(several["target_session_attrs"] == "read-write")

        let socket = try PostgresConfiguration(url: "postgresql://%2Fvar%2Frun%2Fpostgresql/db")
        #expect(socket["host"] == "/var/run/postgresql")
    }

    @Test func mapsSSLAndConnectTimeout() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://h/db?ssl=true&connect_timeout=7")
        #expect(configuration["sslmode"] == "require")
        #expect(configuration.connectTimeout == .seconds(7))
    }

    @Test(arguments: [
        "mysql://h/db",
        "h:5432/db",
        "postgresql://h:99999/db",
        "postgresql://h:port/db",
        "postgresql://u:%zz@h/db",
        "postgresql://[::1/db",
        "postgresql://h/db?no_such_option=1",
        "postgresql://h/db?sslmode",
    ])
    func rejectsInvalidURLs(url: String) {
        #expect {
            try PostgresConfiguration(url: url)
        } throws: { error in
            (error as? PostgresError)?.code == .invalidConfiguration
        }
    }

    @Test func errorsNeverContainThePassword() {
        do {
            _ = try PostgresConfiguration(url: "postgresql://u:hunter2@h:notaport/db")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
            #expect(!String(reflecting: error).contains("hunter2"))
        }
    }

    @Test func descriptionRedactsThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://u:hunter2@h/db")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("password=****"))
    }

    @Test func parsesConninfoWithLibpq() throws {
        let configuration = try PostgresConfiguration(
            conninfo: "host=db port=5433 dbname=roster user=app password='it\\'s a secret' sslmode=disable"
        )
        #expect(configuration["host"] == "db")
        #expect(configuration["port"] == "5433")
        #expect(configuration["dbname"] == "roster")
        #expect(configuration["password"] == "it's a secret")
        #expect(configuration["sslmode"] == "disable")
    }

    @Test func rejectsInvalidConninfo() {
        #expect(throws: PostgresError.self) {
            try PostgresConfiguration(conninfo: "host=db nonsense_keyword=1")
        }
        #expect(throws: PostgresError.self) {
            try PostgresConfiguration(conninfo: "host='unterminated")
        }
    }

    @Test func setRejectsUnknownKeywords() throws {
        var configuration = PostgresConfiguration(host: "h", user: "u", database: "d")
        #expect(throws: PostgresError.self) {
            try configuration.set("hots", to: "x")
        }
        try configuration.set("sslmode", to: "verify-full")
        #expect(configuration["sslmode"] == "verify-full")
        try configuration.set("sslmode", to: nil)
        #expect(configuration["sslmode"] == nil)
    }

    @Test func pinsSessionSettingsAfterTheCallersOptions() throws {
        var configuration = try PostgresConfiguration(url: "postgresql://h/db?options=-c%20search_path%3Dapp")
        configuration.connectTimeout = .milliseconds(2_500)
        let parameters = Dictionary(configuration.connectionParameters.map { ($0.keyword, $0.value) }) { $1 }
        #expect(parameters["client_encoding"] == "UTF8")
        #expect(parameters["application_name"] == "roster")
        #expect(parameters["connect_timeout"] == "3")
        #expect(parameters["options"] == "-c search_path=app -c TimeZone=UTC -c DateStyle=ISO")
        #expect(configuration.connectionParameters.last?.keyword == "options")
    }

    @Test func keepsAnApplicationNameFromTheURL() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://h/db?application_name=ingest")
        let names = configuration.connectionParameters.filter { $0.keyword == "application_name" }.map(\.value)
        #expect(names == ["ingest"])
    }
}
