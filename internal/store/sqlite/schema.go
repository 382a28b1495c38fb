package sqlite

// applicationID marks a file as a manrs store (PRAGMA application_id):
// "manr".
const applicationID = 0x6d616e72

// migrations are the schema changes, in order: migrations[i] takes the
// schema from version i to version i+1 (PRAGMA user_version). Each runs in
// one transaction with the version update. Append; never edit one that
// has been released.
//
// Dates are Unix seconds of 00:00 UTC of the day; instants (incident
// start and end, dispute times, observed_at) Unix nanoseconds, NULL for
// the zero time. Reasons, inputs, prefixes and evidence are JSON; asns and
// prefixes.data packed BLOBs (blob.go).
var migrations = []string{
	// 1: the first schema.
	`
CREATE TABLE days (
	date        INTEGER PRIMARY KEY,
	partial     INTEGER NOT NULL,
	reasons     TEXT NOT NULL,
	inputs      TEXT NOT NULL,
	observed_at INTEGER NOT NULL
);

CREATE TABLE day_ases (
	date INTEGER PRIMARY KEY REFERENCES days (date),
	asns BLOB NOT NULL
);

CREATE TABLE incidents (
	id        TEXT PRIMARY KEY,
	date      INTEGER NOT NULL REFERENCES days (date),
	metric    TEXT NOT NULL,
	asn       INTEGER NOT NULL,
	culprit   INTEGER NOT NULL,
	start_ns  INTEGER,
	end_ns    INTEGER,
	continued INTEGER NOT NULL,
	ongoing   INTEGER NOT NULL,
	peers     INTEGER NOT NULL,
	reason    TEXT NOT NULL,
	prefixes  TEXT NOT NULL,
	evidence  TEXT NOT NULL
);
CREATE INDEX incidents_asn_date ON incidents (asn, date);
CREATE INDEX incidents_date_metric ON incidents (date, metric);

CREATE TABLE measurements (
	date   INTEGER NOT NULL REFERENCES days (date),
	asn    INTEGER NOT NULL,
	metric TEXT NOT NULL,
	value  REAL NOT NULL,
	count  INTEGER NOT NULL,
	detail TEXT NOT NULL,
	PRIMARY KEY (date, asn, metric)
) WITHOUT ROWID;

CREATE TABLE prefixes (
	date INTEGER NOT NULL REFERENCES days (date),
	asn  INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (date, asn)
);

CREATE TABLE verdicts (
	date       INTEGER NOT NULL,
	policy     TEXT NOT NULL,
	asn        INTEGER NOT NULL,
	conformant INTEGER NOT NULL,
	detail     BLOB,
	PRIMARY KEY (policy, date, asn)
) WITHOUT ROWID;
CREATE INDEX verdicts_policy_asn_date ON verdicts (policy, asn, date);

CREATE TABLE lapses (
	date       INTEGER NOT NULL,
	policy     TEXT NOT NULL,
	asn        INTEGER NOT NULL,
	conformant INTEGER NOT NULL,
	detail     BLOB,
	PRIMARY KEY (policy, date, asn)
) WITHOUT ROWID;
CREATE INDEX lapses_policy_asn_date ON lapses (policy, asn, date);

CREATE TABLE disputes (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id TEXT NOT NULL,
	state       TEXT NOT NULL,
	reason      TEXT NOT NULL,
	opened_by   TEXT NOT NULL,
	opened      INTEGER NOT NULL,
	reviewed_by TEXT NOT NULL,
	reviewed    INTEGER,
	note        TEXT NOT NULL
);
CREATE INDEX disputes_incident ON disputes (incident_id);
`,
	// 2: incidents carry the detector's detail (incident.Detail) as
	// JSON; rows stored before it have '' and get theirs from the
	// reason text on read (legacyDetail).
	`ALTER TABLE incidents ADD COLUMN detail TEXT NOT NULL DEFAULT ''`,
	// 3: the feed collections (store.FeedEntry), the observed days fed
	// to each, and the last date added of each, which pruning must not
	// take back (feed_marks). Times are Unix nanoseconds; date_added orders a
	// collection and is unique within it. An object without a version
	// (versioned 0) has its date added as version. spec_latest, is_first
	// and is_last say whether a row is of the latest STIX version its
	// object has, and its first and last version among those: what the
	// TAXII filters ask by default, kept up to date as versions come so
	// that a page needs no look at an object's other versions. The
	// indexes cover what the filters read, so that a page touches the
	// table only for the objects it returns.
	`
CREATE TABLE feed_objects (
	collection   TEXT NOT NULL,
	date_added   INTEGER NOT NULL,
	id           TEXT NOT NULL,
	type         TEXT NOT NULL,
	spec_version TEXT NOT NULL,
	version      INTEGER NOT NULL,
	versioned    INTEGER NOT NULL,
	spec_latest  INTEGER NOT NULL,
	is_first     INTEGER NOT NULL,
	is_last      INTEGER NOT NULL,
	object       BLOB NOT NULL
);
CREATE UNIQUE INDEX feed_objects_added ON feed_objects (collection, date_added, type, id, spec_version, version,
	spec_latest, is_first, is_last);
CREATE INDEX feed_objects_id ON feed_objects (collection, id, spec_version, version);

CREATE TABLE feed_days (
	collection TEXT NOT NULL,
	date       INTEGER NOT NULL,
	PRIMARY KEY (collection, date)
) WITHOUT ROWID;

CREATE TABLE feed_marks (
	collection TEXT PRIMARY KEY,
	last_added INTEGER NOT NULL
) WITHOUT ROWID;
`,
}
