import Testing

@Test func placeholder_RosterPostgresTests() {}
