// Package advise tells an AS what to change in the RPKI and the IRR so
// that the prefixes it announces are RPKI-valid and registered (MANRS
// action 4, global validation), as IRR Explorer does: from the prefixes
// the AS was seen originating (in routing data, or in the observatory's
// store), the VRPs of the RPKI and the IRR data.
//
// The advice, by kind:
//   - roa-missing: the ROAs to create for announced prefixes that are
//     RPKI not-found or invalid (RFC 6482, RFC 6811): one per announced
//     prefix, as specific as announced, without maxLength, except where
//     the AS announces every more-specific of a prefix down to some length,
//     which one ROA with that maxLength covers exactly (RFC 9319 section
//     5, minimal ROAs);
//   - roa-invalid: the VRPs that make its announcements invalid, naming
//     another origin (a previous holder's ROA, AS0) or a maxLength
//     shorter than the announcement;
//   - roa-maxlength: its own ROAs with a maxLength that admits
//     more-specifics it does not announce, which a forged-origin subprefix
//     hijack could use (RFC 9319 sections 3 and 5);
//   - route-missing: the route and route6 objects to register (RFC 2622
//     section 4, RFC 4012 section 3), as RPSL text ready to submit, with
//     the maintainer and source given or taken from the AS's aut-num;
//   - route-conflict: route objects of the announced prefixes that name
//     another origin, and of their more-specifics that name an origin the
//     RPKI says is invalid;
//   - route-stale: route objects of the AS for prefixes it did not
//     announce in the measured period (and whether they are RPKI-invalid
//     as registered).
//
// Each announced prefix also gets a summary: its RPKI state, the IRR
// sources that hold it with the AS as origin, and the kinds of advice
// about it. A Report with no advice is Clean.
//
// Untrusted input: the maintainer and source names given for new route
// objects come from the command line and are checked (ParseObjectName) so
// that the RPSL written is what the registry reads. Prefixes, VRPs and
// IRR objects come through packages mrt, store, rpki and irr, which check
// them.
package advise
