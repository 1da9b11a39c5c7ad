// The fake vendor servers live in their own target so that `roster dev fakes` can run them
// without linking the Testing framework; tests keep importing them through RosterTesting.
@_exported import RosterFakes
