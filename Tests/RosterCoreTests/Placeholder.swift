import Testing

@Test func placeholder_RosterCoreTests() {}
