#!/usr/bin/env bash
# Serves the same VRPs from `manrs rtr serve` and from StayRTR in one run and
# compares them:
#   - full resets (Reset Query to End of Data) of N concurrent clients, for
#     each N in CLIENTS, with one more session per run (but the FOLLOW run)
#     that asks for the full set and never reads: it must not slow the
#     others down;
#   - the fan-out of an incremental update to FOLLOW clients (the run of
#     that many clients stays connected after its resets): 1% of the VRPs
#     change (their origin AS), and every client, told by Serial Notify, sends
#     a Serial Query and reads the delta;
#   - each server's CPU time per phase, its resident memory once loaded and
#     its peak RSS over the run.
# Needs stayrtr (Debian package). Everything listens on 127.0.0.1.
#
#   [FOLLOW=N] [LIMIT=SECONDS] bench/rtr.sh [VRPS] [CLIENTS] [VERSION]
#
# VRPS is how many VRPs to synthesise (default 800000), CLIENTS a quoted list
# of concurrent client counts (default "10 100 1000"), VERSION the RTR version
# (default 1). FOLLOW is one of CLIENTS (default the largest). A reset run
# still going after LIMIT seconds (default 600) is ended; the row then shows
# how many clients completed, and VRPs/s counts every VRP received. The
# clients are `manrs rtr dump --bench`, which frames PDUs and counts prefixes
# without keeping them, the same for both servers. The descriptor limit is
# raised to the hard limit (ulimit -n) for 1000 clients.
#
# manrs reloads on SIGHUP, sent right after the change; StayRTR polls its
# file every 10 s (-refresh 10), so its "change to all applied" time includes
# up to 10 s of polling, and its CPU time includes the polls. "Notify to all
# applied" (first Serial Notify received to last delta read) is comparable.
set -euo pipefail
cd "$(dirname "$0")/.."

vrps=${1:-800000}
clients=${2:-10 100 1000}
version=${3:-1}
rtr_manrs=127.0.0.1:13323
rtr_stay=127.0.0.1:18282
stay_metrics=127.0.0.1:19847

command -v stayrtr >/dev/null || { echo "bench: stayrtr is not installed (apt-get install stayrtr)" >&2; exit 2; }
# Each client is a socket on both sides; 1000 clients need more than the
# usual soft limit of 1024 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
max_clients=0
for n in $clients; do [ "$n" -gt "$max_clients" ] && max_clients=$n; done
follow=${FOLLOW:-$max_clients}
limit=${LIMIT:-600}
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((max_clients + 256)) ]; then
	echo "bench: ulimit -n is $(ulimit -n), too low for $max_clients clients" >&2
	exit 2
fi

go build ${GOFLAGS_BENCH:-} -o bin/manrs ./cmd/manrs
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# Distinct IPv4 /24s and IPv6 /48s with varied ASNs, in rpki-client JSON (no
# expiry, which StayRTR would check). With change=1, every hundredth VRP has
# another origin AS: a withdrawal and an announcement each.
gen() {
	awk -v n="$vrps" -v change="$1" 'BEGIN {
		printf "{\"metadata\":{\"buildtime\":\"2026-01-01T00:00:00Z\"},\"roas\":[\n"
		for (i = 0; i < n; i++) {
			if (i % 5 == 4) {
				j = int(i / 5)
				p = sprintf("2001:%x:%x::/48", 0x200 + int(j / 65536), j % 65536); ml = 48
			} else {
				p = sprintf("%d.%d.%d.0/24", 11 + int(i / 65536) % 200, int(i / 256) % 256, i % 256); ml = 24
			}
			asn = 64496 + i % 1000
			if (change && i % 100 == 0) asn = 4200000000 + i % 1000
			printf "%s{\"prefix\":\"%s\",\"maxLength\":%d,\"asn\":%d,\"ta\":\"bench\"}", (i ? ",\n" : ""), p, ml, asn
		}
		printf "\n]}\n"
	}'
}
gen 0 > "$tmp/vrps.json"
gen 1 > "$tmp/changed.json"
cp "$tmp/vrps.json" "$tmp/manrs.json"
cp "$tmp/vrps.json" "$tmp/stay.json"

wait_port() {
	for _ in $(seq 1 600); do
		(exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: nothing listens on $1" >&2
	exit 1
}

t_load=$(date +%s.%N)
# The clients share the two cores with the servers, so a session may wait
# long for its reader: a --write-timeout above the default 30 s keeps manrs
# from dropping such sessions as too slow. The stalled session, too, then
# stays connected for the whole run, as it would with StayRTR.
bin/manrs rtr serve --vrps "$tmp/manrs.json" --listen "$rtr_manrs" --refresh 1h --max-clients $((max_clients + 64)) \
	--write-timeout 600s --log.level warn 2>"$tmp/manrs.log" &
pids+=($!); manrs_pid=$!
stayrtr -bind "$rtr_stay" -metrics.addr "$stay_metrics" -cache "$tmp/stay.json" -checktime=false \
	-refresh 10 -loglevel error >"$tmp/stayrtr.log" 2>&1 &
pids+=($!); stay_pid=$!
# Both listen before serving everything (StayRTR before it has loaded the
# file): wait until each serves the whole set.
for addr in "$rtr_manrs" "$rtr_stay"; do
	wait_port "$addr"
	for _ in $(seq 1 600); do
		got=$(bin/manrs rtr dump --version "$version" --bench 1 "$addr" 2>/dev/null | awk '{print $4}') || got=0
		[ "${got:-0}" -ge "$vrps" ] && break
		sleep 0.5
	done
	[ "${got:-0}" -ge "$vrps" ] || { echo "bench: $addr serves $got of $vrps VRPs" >&2; exit 1; }
done
t_ready=$(date +%s.%N)

cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
mem() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
ratio() { printf "%.2f" "$(echo "scale=4; $1 / $2" | bc)"; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(date -u +%Y-%m-%d)"
echo "$vrps VRPs, RTR version $version, both loaded and serving after $(printf "%.1f" "$(echo "$t_ready - $t_load" | bc)") s"
echo "RSS once loaded: manrs $(mem "$manrs_pid" VmRSS) MB, stayrtr $(mem "$stay_pid" VmRSS) MB"
echo
echo "full resets (one more session never reads, but in the run of $follow; runs cut at $limit s):"
printf '%-8s %7s %9s %9s %9s %9s %12s %9s %s\n' server clients wall_s min_s median_s max_s vrps_per_s cpu_s note
declare -A rate
for n in $clients; do
	for srv in manrs stayrtr; do
		if [ "$srv" = manrs ]; then addr=$rtr_manrs pid=$manrs_pid src=$tmp/manrs.json; else addr=$rtr_stay pid=$stay_pid src=$tmp/stay.json; fi
		out=$tmp/run-$srv-$n.txt
		args=(--version "$version" --timeout 300s --bench "$n" --bench-limit "${limit}s")
		if [ "$n" = "$follow" ]; then
			args+=(--bench-follow 120s)
		else
			args+=(--bench-stalled 1)
		fi
		c0=$(cpu "$pid")
		bin/manrs rtr dump "${args[@]}" "$addr" >"$out" &
		client=$!
		until grep -qs '^clients' "$out"; do
			kill -0 "$client" 2>/dev/null || { echo "bench: the $srv clients failed" >&2; tail -5 "$tmp/$srv.log" >&2; exit 1; }
			sleep 0.1
		done
		c1=$(cpu "$pid")
		if [ "$n" = "$follow" ]; then
			# The clients have the full set and wait for Serial Notify.
			cp "$tmp/changed.json" "$src.new"
			t0=$(date +%s.%N)
			mv "$src.new" "$src"
			[ "$srv" = manrs ] && kill -HUP "$manrs_pid"
		fi
		wait "$client" || { echo "bench: the $srv clients failed" >&2; tail -5 "$tmp/$srv.log" >&2; exit 1; }
		c2=$(cpu "$pid")
		read -r _ _ _ got _ secs _ mn _ md _ mx _ ndone _ delivered <"$out"
		note=""
		if [ "$ndone" -lt "$n" ]; then
			note="cut: $ndone of $n done"
		elif [ "$got" -ne "$vrps" ]; then
			echo "bench: $srv sent $got of $vrps VRPs" >&2; exit 1
		fi
		rate[$srv,$n]=$(echo "$delivered / $secs" | bc)
		printf '%-8s %7d %9s %9s %9s %9s %12s %9.2f %s\n' "$srv" "$n" "$secs" "$mn" "$md" "$mx" \
			"${rate[$srv,$n]}" "$(echo "$c1 - $c0" | bc)" "$note"
		if [ "$n" = "$follow" ] && [ "$ndone" -eq "$n" ]; then
			read -r _ _ _ _ ann _ wd _ first _ last _ _ _ _ _ amax < <(grep '^update' "$out")
			printf '  %s update (+%d -%d VRPs): change to all applied %.2f s, first Serial Notify to all applied %.2f s, slowest client %s s, cpu %.2f s\n' \
				"$srv" "$ann" "$wd" "$(echo "$last - $t0" | bc)" "$(echo "$last - $first" | bc)" "$amax" "$(echo "$c2 - $c1" | bc)"
		fi
	done
	echo "  throughput ratio at $n clients (manrs / stayrtr): $(ratio "${rate[manrs,$n]}" "${rate[stayrtr,$n]}")"
done

echo
m_cpu=$(cpu "$manrs_pid"); s_cpu=$(cpu "$stay_pid")
m_hwm=$(mem "$manrs_pid" VmHWM); s_hwm=$(mem "$stay_pid" VmHWM)
printf '%-8s %12s %12s\n' server cpu_total_s peak_rss_mb
printf '%-8s %12s %12s\n' manrs "$m_cpu" "$m_hwm"
printf '%-8s %12s %12s\n' stayrtr "$s_cpu" "$s_hwm"
echo "peak RSS ratio (manrs / stayrtr): $(ratio "$m_hwm" "$s_hwm")"
echo "manrs sessions dropped as too slow: $(grep -c 'client too slow' "$tmp/manrs.log" || true)," \
	"refused at the client limit: $(grep -c 'client limit reached' "$tmp/manrs.log" || true)"
