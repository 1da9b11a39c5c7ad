import Testing

@Test func placeholder_RosterKafkaTests() {}
