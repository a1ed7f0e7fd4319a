#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (niced, one at a time) and appends
# one row per target to fuzz/summary.md: wall time, executions, corpus size,
# crashes (libFuzzer stops at the first one; its input lands in
# fuzz/artifacts/<target>/ -- copy it to fuzz/regressions/<target>/ once fixed).
#
#   fuzz/run.sh SECONDS [TARGET...]      (default: every target in fuzz/fuzz_targets)
#
# NO_SUMMARY=1 leaves fuzz/summary.md alone (the CI smoke run: `NO_SUMMARY=1 fuzz/run.sh 5`).
# The exit status is 1 if any target crashed.
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
# Build once (NO_BUILD=1 reuses the binaries), then run them directly so that
# edits to the sources during a long run do not trigger rebuilds.
[ -n "${NO_BUILD:-}" ] || nice -n 19 cargo +nightly fuzz build -O >/dev/null 2>&1 || exit 1
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
summary=summary.md
[ -n "${NO_SUMMARY:-}" ] && summary=/dev/null
failed=0
[ -f summary.md ] || printf '| date (UTC) | target | seconds | executions | exec/s | corpus | crashes |\n|---|---|---|---|---|---|---|\n' > summary.md
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null
    log="logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
    start=$(date +%s)
    # Half of this budget is the most one call may allocate (src/error.rs
    # `affordable`), well inside libFuzzer's 4 GiB RSS limit.
    TUNELENS_MAX_MEMORY=2G nice -n 19 "$bin/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 ${FUZZ_SEED:+-seed="$FUZZ_SEED"} >"$log" 2>&1
    status=$?
    took=$(( $(date +%s) - start ))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    crashes=$(grep -cE '^==[0-9]+== ERROR' "$log")
    [ $status -ne 0 ] && failed=1
    [ $status -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="exit $status (see $log)"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(date -u +%F\ %H:%M)" "$t" "$took" \
        "${execs:-?}" "${rate:-?}" "$(ls "corpus/$t" | wc -l)" "$crashes" | tee -a "$summary"
done
exit $failed
