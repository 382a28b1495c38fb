#!/usr/bin/env bash
# Serves the same VRPs from `manrs rtr serve` and from StayRTR in one run,
# times full resets (Reset Query to End of Data) of N concurrent clients
# against each, and prints both times, the ratio, and each server's CPU
# time and peak RSS. Needs stayrtr (Debian package). Everything listens on
# 127.0.0.1.
#
#   bench/rtr.sh [VRPS] [CLIENTS] [VERSION]
#
# VRPS is how many VRPs to synthesise (default 800000), CLIENTS the
# concurrent clients (default 10), VERSION the RTR version (default 1).
# The clients are `manrs rtr dump --bench`, the same for both servers.
set -euo pipefail
cd "$(dirname "$0")/.."

vrps=${1:-800000}
clients=${2:-10}
version=${3:-1}
rtr_manrs=127.0.0.1:13323
rtr_stay=127.0.0.1:18282
stay_metrics=127.0.0.1:19847

command -v stayrtr >/dev/null || { echo "bench: stayrtr is not installed (apt-get install stayrtr)" >&2; exit 2; }

go build ${GOFLAGS_BENCH:-} -o bin/manrs ./cmd/manrs
bin/manrs rtr --help >/dev/null 2>&1 || { echo "bench: this manrs has no rtr command (register newRTRCmd in cmd/manrs/main.go)" >&2; exit 2; }
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# Distinct IPv4 /24s and IPv6 /48s with varied ASNs, in rpki-client JSON
# (no expiry, which StayRTR would check).
awk -v n="$vrps" 'BEGIN {
	printf "{\"metadata\":{\"buildtime\":\"2026-01-01T00:00:00Z\"},\"roas\":[\n"
	for (i = 0; i < n; i++) {
		if (i % 5 == 4) {
			j = int(i / 5)
			p = sprintf("2001:%x:%x::/48", 0x200 + int(j / 65536), j % 65536); ml = 48
		} else {
			p = sprintf("%d.%d.%d.0/24", 11 + int(i / 65536) % 200, int(i / 256) % 256, i % 256); ml = 24
		}
		printf "%s{\"prefix\":\"%s\",\"maxLength\":%d,\"asn\":%d,\"ta\":\"bench\"}", (i ? ",\n" : ""), p, ml, 64496 + i % 1000
	}
	printf "\n]}\n"
}' > "$tmp/vrps.json"

wait_port() {
	for _ in $(seq 1 600); do
		(exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: nothing listens on $1" >&2
	exit 1
}

bin/manrs rtr serve --vrps "$tmp/vrps.json" --listen "$rtr_manrs" --log.level warn &
pids+=($!); manrs_pid=$!
stayrtr -bind "$rtr_stay" -metrics.addr "$stay_metrics" -cache "$tmp/vrps.json" -checktime=false \
	-refresh 3600 -loglevel error >"$tmp/stayrtr.log" 2>&1 &
pids+=($!); stay_pid=$!
wait_port "$rtr_manrs"
wait_port "$rtr_stay"
# StayRTR listens before it has loaded the file: wait until it serves it all.
for _ in $(seq 1 600); do
	got=$(bin/manrs rtr dump --version "$version" --bench 1 "$rtr_stay" 2>/dev/null | awk '{print $4}') || got=0
	[ "${got:-0}" -ge "$vrps" ] && break
	sleep 0.5
done

cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
rss() { awk '/VmHWM/ {print $2 / 1024 " MB"}' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(date -u +%Y-%m-%d); $vrps VRPs, $clients clients, RTR version $version"
m0=$(cpu "$manrs_pid"); s0=$(cpu "$stay_pid")
t_manrs=$(bin/manrs rtr dump --version "$version" --bench "$clients" "$rtr_manrs" | tee /dev/stderr | awk '{print $6}')
t_stay=$(bin/manrs rtr dump --version "$version" --bench "$clients" "$rtr_stay" | tee /dev/stderr | awk '{print $6}')
m1=$(cpu "$manrs_pid"); s1=$(cpu "$stay_pid")
printf '%-8s %10s %12s %12s %12s\n' server seconds cpu_total cpu_resets peak_rss
printf '%-8s %10s %12s %12s %12s\n' manrs "$t_manrs" "$m1" "$(echo "$m1 - $m0" | bc)" "$(rss "$manrs_pid")"
printf '%-8s %10s %12s %12s %12s\n' stayrtr "$t_stay" "$s1" "$(echo "$s1 - $s0" | bc)" "$(rss "$stay_pid")"
echo "ratio (stayrtr / manrs wall time): $(echo "scale=2; $t_stay / $t_manrs" | bc)"
