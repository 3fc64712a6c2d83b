#!/usr/bin/env bash
# A timed libFuzzer run of one loader: tools/fuzz.sh TARGET SECONDS [libFuzzer options...]
# TARGET: config, dataset or weights (tests/fuzz/fuzz_entries.h). Builds build-fuzz with clang
# (-DNMSIM_FUZZ=ON) if needed, starts from the seed corpus tests/fuzz/corpus/TARGET, keeps what
# it learns in build-fuzz/corpus/TARGET and any crashing input in build-fuzz/findings/TARGET, and
# ends with the executions reached and the coverage. Exit status: 0 clean, 1 a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: tools/fuzz.sh config|dataset|weights SECONDS [libFuzzer options]}
seconds=${2:?usage: tools/fuzz.sh config|dataset|weights SECONDS [libFuzzer options]}
shift 2
case "$target" in config|dataset|weights) ;; *) echo "unknown target '$target'" >&2; exit 2 ;; esac

if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DNMSIM_FUZZ=ON > /dev/null
fi
cmake --build build-fuzz -j2 --target "fuzz_$target" > /dev/null

work=build-fuzz/corpus/$target
findings=build-fuzz/findings/$target
mkdir -p "$work" "$findings"
dict=()
[ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
log=build-fuzz/fuzz-$target.log
# One process (-jobs=1): the machines this runs on are shared. Inputs up to 16 KiB (a digit of
# the MNIST JSON takes ~3 KiB); 10 s per input and 2 GiB of memory are findings.
status=0
"build-fuzz/tests/fuzz/fuzz_$target" "$work" "tests/fuzz/corpus/$target" "${dict[@]}" \
  -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
  -artifact_prefix="$findings/" -print_final_stats=1 "$@" > "$log" 2>&1 || status=$?

executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' "$log" | tail -1)
echo "fuzz_$target: ${executions:-?} executions in $seconds s (${per_second:-?}/s); $coverage; log $log"
if [ "$status" != 0 ]; then
  echo "fuzz_$target: FINDING (exit $status), input in $findings:" >&2
  grep -E '^==[0-9]+==ERROR|SUMMARY|^terminate|deadly signal|timeout|out-of-memory' "$log" | head -5 >&2
  exit 1
fi
