// Package incident is the model that analysis produces and every output
// consumes: the MANRS metrics, the incidents that raise them (a leak, a
// hijack, a bogon route, a network that lets spoofed packets out) with
// the evidence behind them, the per-AS measurements of the share metrics,
// and the record of one observed day.
//
// The metrics follow the MANRS Observatory (M1 to M8, "C" for an
// incident of a direct customer that the AS propagated) with the
// additions of docs/observatory.md. Incident weights follow the
// Observatory: by duration, with overlapping incidents of one metric
// merged (Merge).
//
// Nothing here reads input; the package depends only on bgp.
package incident
