#!/usr/bin/env bash
# Runs `bgpdump -m` and `manrs mrt dump -m` on the same MRT files in one run
# and prints, for each file, both mean times and the ratio (how many times
# faster manrs is). Needs bgpdump and hyperfine (Debian packages).
#
#   bench/mrt-dump.sh [FILE...]
#
# Without arguments it uses the bundled samples plus a bzip2 copy of the
# full-table update file, made in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in bgpdump hyperfine; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done

go build -o bin/manrs ./cmd/manrs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -eq 0 ]; then
	gzip -dc testdata/mrt/bgpdump/updates.et-header.2015.gz | bzip2 -9 > "$tmp/updates.et-header.2015.bz2"
	set -- testdata/mrt/bgpdump/updates.et-header.2015.gz \
		"$tmp/updates.et-header.2015.bz2" \
		testdata/mrt/pyasn/rib.20140523.0600_firstMB.clean.bz2 \
		testdata/mrt/pyasn/rib6.20151101.0600_firstMB.clean.bz2 \
		testdata/mrt/bgpdump/bview.20020722.2337.gz
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
printf '%-44s %10s %12s %12s %8s\n' file lines "bgpdump s" "manrs s" ratio
for f in "$@"; do
	lines=$(bin/manrs mrt dump -m "$f" 2>/dev/null | wc -l)
	hyperfine --style none --warmup 1 --min-runs 5 --export-csv "$tmp/h.csv" \
		"bgpdump -q -m '$f' > /dev/null" \
		"bin/manrs mrt dump -m '$f' > /dev/null" >/dev/null 2>&1
	# CSV rows: command,mean,stddev,median,user,system,min,max
	awk -F, -v f="$(basename "$f")" -v n="$lines" 'NR==2{b=$2} NR==3{m=$2} END{printf "%-44s %10d %12.3f %12.3f %7.2fx\n", f, n, b, m, b/m}' "$tmp/h.csv"
done
