#!/usr/bin/env bash
# Times `manrs world generate` for one day at each scale and prints wall
# time, peak memory and output size. The internet scale takes minutes and
# about 1.5 GB of disk: pass --internet to include it.
#
#   bench/world.sh [--internet]
set -euo pipefail
cd "$(dirname "$0")/.."
scales=(tiny small medium)
[ "${1:-}" = "--internet" ] && scales+=(internet)
go build -o bin/manrs ./cmd/manrs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
printf '%-9s %9s %10s %10s %7s\n' scale seconds "peak MB" "out MB" files
for s in "${scales[@]}"; do
	/usr/bin/time -f '%e %M' -o "$tmp/time" bin/manrs world generate --seed 1 --scale "$s" --days 1 --out "$tmp/$s" >/dev/null
	read -r secs kb < "$tmp/time"
	printf '%-9s %9s %10d %10d %7d\n' "$s" "$secs" $((kb / 1024)) $(($(du -sk "$tmp/$s" | cut -f1) / 1024)) "$(find "$tmp/$s" -type f | wc -l)"
	rm -rf "${tmp:?}/$s"
done
