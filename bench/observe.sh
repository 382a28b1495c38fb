#!/usr/bin/env bash
# Measures the observatory end to end on a generated world: the first day
# observed into an empty store, one more day into the store that holds it
# (the incremental cost), the store's size, and the latency of the API and
# dashboard requests behind an AS page, served from that store.
#
#   bench/observe.sh [--scale internet|medium|small] [--world DIR]
#   bench/observe.sh --store DB    # only the API latency, on a stored day
#
# Without --world a two-day world of the scale is generated in a temporary
# directory first (internet: about 15 minutes and 3 GB of disk). No other
# program does this job, so there is no rival to compare with; the goals are
# those of docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

scale=internet
world=""
store=""
while [ $# -gt 0 ]; do
	case "$1" in
	--scale) scale=$2; shift 2 ;;
	--world) world=$2; shift 2 ;;
	--store) store=$2; shift 2 ;;
	*) echo "usage: bench/observe.sh [--scale S] [--world DIR]" >&2; exit 2 ;;
	esac
done
command -v curl >/dev/null || { echo "bench: curl is not installed" >&2; exit 2; }

go build -o bin/manrs ./cmd/manrs
tmp=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"

if [ -n "$store" ]; then
	db=$store
elif [ -z "$world" ]; then
	world=$tmp/world
	/usr/bin/time -f '%e %M' -o "$tmp/time" bin/manrs world generate --seed 1 --scale "$scale" --days 2 --out "$world" >/dev/null
	read -r secs kb < "$tmp/time"
	echo "world: $scale, 2 days, generated in $secs s, peak $((kb / 1024)) MB"
fi
if [ -z "$store" ]; then
	start=$(sed -n 's/^  start: //p' "$world/sources.yaml")
	day2=$(date -u -d "$start + 1 day" +%Y-%m-%d)
	db=$tmp/manrs.db

	observe() { # label date
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" bin/manrs observe --config "$world/sources.yaml" --store "$db" --date "$2" --json --quiet > "$tmp/day.json" || true
		read -r secs user sys kb < "$tmp/time"
		printf '%-26s %7s s wall %7s s CPU %6d MB peak  %s\n' "$1" "$secs" "$(awk "BEGIN { print $user + $sys }")" $((kb / 1024)) \
			"$(sed -E 's/.*"ases":([0-9]+),"incidents":([0-9]+),"measurements":([0-9]+),"prefixes":([0-9]+).*/\1 ASes, \2 incidents, \3 measurements, \4 prefixes/' "$tmp/day.json")"
	}
	observe "first day ($start)" "$start"
	size1=$(du -k "$db" | cut -f1)
	observe "one more day ($day2)" "$day2"
	size2=$(du -k "$db" | cut -f1)
	echo "store: $((size1 / 1024)) MB after one day, $((size2 / 1024)) MB after two ($((size2 - size1)) kB a day)"
fi

# API latency: the requests an AS page makes, for ASes with incidents and
# without, each asked 20 times.
port=$((20000 + RANDOM % 20000))
bin/manrs serve --store "$db" --listen "127.0.0.1:$port" --log.level error 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
first=$(curl -sf "$base/api/v1/days" | grep -o '"date": "[0-9-]*"' | head -1 | grep -o '[0-9][0-9-]*' || true)
asns=$(curl -sf "$base/api/v1/lapses?since=$first" | grep -o '"asn": [0-9]*' | head -5 | grep -o '[0-9]*' || true)
asns="$asns 3356 174 1299"
if [ -n "$world" ]; then
	asns="$asns $(sed -n 's/.*"culprit_asn":\([0-9]*\).*/\1/p' "$world/ground-truth/events.jsonl" 2>/dev/null | head -5 || true)"
fi
: > "$tmp/lat"
for asn in $asns; do
	for path in "/api/v1/as/$asn" "/api/v1/as/$asn/history?days=30" "/api/v1/as/$asn/months?months=12" "/api/v1/as/$asn/incidents" "/as/$asn"; do
		for _ in $(seq 20); do
			curl -s -o /dev/null -w "%{time_total} $path\n" "$base$path" >> "$tmp/lat"
		done
	done
done
echo "API latency over $(wc -l < "$tmp/lat") requests (ms):"
for kind in '/api/v1/as/[0-9]*$' 'history' 'months' 'incidents' '^/as/'; do
	awk -v k="$kind" '{ split($2, p, " "); if ($2 ~ k) print $1 * 1000 }' "$tmp/lat" | sort -n > "$tmp/k"
	n=$(wc -l < "$tmp/k")
	[ "$n" -gt 0 ] || continue
	printf '  %-22s p50 %7.1f  p99 %7.1f  max %7.1f\n' "$kind" "$(sed -n "$(((n + 1) / 2))p" "$tmp/k")" \
		"$(sed -n "$(((n * 99 + 99) / 100))p" "$tmp/k")" "$(tail -1 "$tmp/k")"
done
