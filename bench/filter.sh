#!/usr/bin/env bash
# Expands a pathological AS-SET (17 levels deep with a cycle, about 5,000
# ASNs: AS-WORLD-DEEP-00 of a generated world) into a prefix list three
# ways in one run: bgpq4 against `manrs whois serve`, `manrs filter` over
# the same dumps (which loads them each time), and prints the times and
# ratios. Both must print the same list. Needs bgpq4 and hyperfine.
#
#   bench/filter.sh [--world DIR]
#
# Without --world a medium world is generated in a temporary directory
# (about a minute); an internet-scale world has the same set with more
# prefixes behind it.
set -euo pipefail
cd "$(dirname "$0")/.."

world=""
[ "${1:-}" = "--world" ] && world=$2
for tool in bgpq4 hyperfine; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done
go build -o bin/manrs ./cmd/manrs
tmp=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d), $(bgpq4 -v 2>&1 | sed -n 's/^version: /bgpq4 /p')"
if [ -z "$world" ]; then
	world=$tmp/world
	bin/manrs world generate --seed 1 --scale medium --days 1 --out "$world" >/dev/null
fi

irr=()
sources=()
for f in "$world"/irr/*.db.gz; do
	src=$(basename "$f" .db.gz | tr a-z A-Z)
	irr+=(--irr "$src=$f")
	sources+=("$src")
done
order=$(IFS=,; echo "${sources[*]}")
set=AS-WORLD-DEEP-00

port=$((20000 + RANDOM % 20000))
bin/manrs whois serve --listen "127.0.0.1:$port" "${irr[@]}" --log.level error 2>"$tmp/whois.log" &
server=$!
for _ in $(seq 300); do
	bgpq4 -h "127.0.0.1:$port" -S "$order" AS112 >/dev/null 2>&1 && break
	sleep 0.2
done

bgpq4 -h "127.0.0.1:$port" -S "$order" -l NN "$set" > "$tmp/bgpq4.txt"
bin/manrs filter "${irr[@]}" -S "$order" -l NN "$set" > "$tmp/manrs.txt" 2>/dev/null
if ! cmp -s "$tmp/bgpq4.txt" "$tmp/manrs.txt"; then
	echo "bench: bgpq4 and manrs filter disagree:" >&2
	diff "$tmp/bgpq4.txt" "$tmp/manrs.txt" | head >&2
	exit 1
fi
echo "$set: $(grep -c permit "$tmp/manrs.txt") prefixes, the same from both"

hyperfine --warmup 1 --min-runs 5 --style basic --export-json "$tmp/h.json" \
	-n "bgpq4 via manrs whois" "bgpq4 -h 127.0.0.1:$port -S $order -l NN $set" \
	-n "manrs filter (loads dumps)" "bin/manrs filter ${irr[*]} -S $order -l NN $set" >/dev/null
python3 - "$tmp/h.json" <<'EOF'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
b, m = r["bgpq4 via manrs whois"], r["manrs filter (loads dumps)"]
print(f"bgpq4 against manrs whois serve (dumps loaded once): {b:.3f} s")
print(f"manrs filter, loading the dumps on each run: {m:.3f} s ({m / b:.1f} times bgpq4's time; the expansion itself is BenchmarkFilter's figure)")
EOF
