// Package observatory measures MANRS conformance day by day: it reads
// the inputs a configuration names for a day (Observe), has the detectors
// judge them, stores the day (Ingest), scores every AS per metric and per
// action with readiness bands (ScoreAS), judges each AS under every
// conformance policy and records the lapses between one day and the next
// (Judge), and answers "was this AS conformant for the N days before
// date D?" with the daily evidence (Conformance). Disputed incidents
// leave the scores once their dispute is accepted (ReviewDispute).
//
// Scores, bands and policies are defined in docs/observatory.md; their
// thresholds are configuration (config.Observatory) with documented
// defaults.
package observatory
