#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (niced, one at a time) and appends
# one row per target to fuzz/summary.md: wall time, executions, corpus size,
# crashes (libFuzzer stops at the first one; its input lands in
# fuzz/artifacts/<target>/ -- copy it to fuzz/regressions/<target>/ once fixed).
#
#   fuzz/run.sh SECONDS [TARGET...]      (default: every target in fuzz/fuzz_targets)
#
# Needs `cargo +nightly` and cargo-fuzz (`cargo install cargo-fuzz`).
set -u
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=($(ls fuzz_targets | sed 's/\.rs$//'))
fi
[ -d seeds ] || python3 make_corpus.py
nice -n 19 cargo +nightly fuzz build -O "${targets[@]}" >/dev/null 2>&1 || nice -n 19 cargo +nightly fuzz build -O
mkdir -p logs
[ -f summary.md ] || printf '| date (UTC) | target | seconds | executions | exec/s | corpus | crashes |\n|---|---|---|---|---|---|---|\n' > summary.md
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null
    log="logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
    start=$(date +%s)
    nice -n 19 cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    took=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    crashes=$(grep -cE '^(==[0-9]+== ERROR|thread .* panicked)' "$log")
    [ $status -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="exit $status (see $log)"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(date -u +%F\ %H:%M)" "$t" "$took" \
        "${execs:-?}" "${rate:-?}" "$(ls "corpus/$t" | wc -l)" "$crashes" | tee -a summary.md
done
