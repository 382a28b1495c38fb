package stix

// The fixtures of the package's own tests, for its external tests
// (schema_test.go), which validate with delivertest and so cannot be
// in package stix.
var (
	AllObjects = allObjects
	Samples    = samples
)
