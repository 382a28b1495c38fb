package deliver

import (
	"strconv"
	"strings"
)

// Version is the Device Version of CEF messages.
const Version = "1.0"

// cefSeverity maps a syslog severity to CEF's 0 (low) to 10 (very high).
func cefSeverity(syslog int) int {
	switch syslog {
	case severityWarning:
		return 7
	case severityNotice:
		return 3
	default:
		return 1
	}
}

// cefKeys names the CEF extension key of each routing field: standard
// keys where ArcSight defines one, else custom strings (csN) and numbers
// (cnN) with their labels.
var cefKeys = map[string][2]string{
	"tenant":          {"cs1", "tenant"},
	"delivery_id":     {"cs2", "deliveryId"},
	"prefixes":        {"cs3", "prefixes"},
	"as_path":         {"cs4", "asPath"},
	"manrs_metric":    {"cs5", "manrsMetric"},
	"indicator_id":    {"cs6", "stixIndicator"},
	"charged_asn":     {"cn1", "chargedAsn"},
	"culprit_asn":     {"cn2", "culpritAsn"},
	"observed_origin": {"cn3", "observedOrigin"},
	"event_id":        {"externalId", ""},
	"event_type":      {"cat", ""},
}

// CEF formats an event as an ArcSight Common Event Format message:
// CEF:0|manrs|manrs|Version|event type|name|severity|extension, with the
// header escaped (backslash, pipe) and the extension values escaped
// (backslash, equals sign, line breaks), as the CEF specification asks.
// docs/feeds.md maps each field.
func CEF(tenant string, ev *Event, id string) string {
	var b strings.Builder
	b.WriteString("CEF:0|manrs|manrs|" + Version + "|")
	b.WriteString(cefHeader(string(ev.Type)) + "|" + cefHeader(ev.Name) + "|" + strconv.Itoa(cefSeverity(ev.Severity)) + "|")
	var ext []string
	add := func(k, v string) {
		if v != "" {
			ext = append(ext, k+"="+cefValue(v))
		}
	}
	add("msg", ev.Description)
	for _, f := range routingFields(tenant, ev, id) {
		k, ok := cefKeys[f.name]
		if !ok || f.value == "" {
			continue
		}
		add(k[0], f.value)
		if k[1] != "" {
			add(k[0]+"Label", k[1])
		}
	}
	b.WriteString(strings.Join(ext, " "))
	return b.String()
}

// cefHeader escapes a header field: '\' and '|' take a backslash, and
// line breaks, which no header may hold, become spaces.
func cefHeader(s string) string {
	return strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// cefValue escapes an extension value: '\' and '=' take a backslash, line
// breaks are written \n and \r.
func cefValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}
