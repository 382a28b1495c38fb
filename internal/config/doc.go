// Package config reads the files that configure manrs: sources.yaml,
// which says where each kind of input data is (files, globs or URLs, with
// templates for the day observed), and manrs.yaml, which sets behaviour
// (thresholds, readiness bands, conformance policies) over documented
// defaults.
//
// Both are YAML, decoded strictly: an unknown key is an error naming the
// file and line, so a misspelt setting is never silently ignored.
package config
