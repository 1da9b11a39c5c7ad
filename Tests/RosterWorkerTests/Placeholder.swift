import Testing

@Test func placeholder_RosterWorkerTests() {}
