#!/usr/bin/env bash
# The latency gate of a pull request: the one script the CI workflow calls (docs/github-workflow.md).
#
#   scripts/ci-gate.sh [bench options]              run every bench file, then compare with the baseline
#   scripts/ci-gate.sh --shard I/N [bench options]  run shard I of N into a blob report (no comparison)
#   scripts/ci-gate.sh --merge DIR                  merge the shards' blob reports in DIR, then compare
#
# Bench options are those of `converse-bench bench` (e.g. --num-parallel-calls 8 --target bedrock).
# Environment:
#   CI_GATE_PRESET            bench preset (default `gate`: 400 measured calls per model; `smoke`; `none`)
#   CONVERSE_BENCH_BASELINE   main-branch run record, or a folder of them (a history). Unset or missing:
#                             the run is gated on its budgets only and nothing is compared.
#   CONVERSE_BENCH_OUTPUT_DIR where outputs go (default outputs); the comparison is comparison.md and
#                             comparison.html (both runs drawn side by side) there
#   CI_GATE_BLOB_DIR          shard mode: where the blob report goes (default .vitest-reports)
#   CI_GATE_ALLOW_MISMATCH    true: compare runs whose settings differ (with a warning) instead of failing
#   CI_GATE_PROJECT           project folder to run in (default: this repository)
#   GITHUB_STEP_SUMMARY       when set, the comparison is appended to it (the reporter appends the run's
#                             own summary when vitest.config.ts passes it the same variable)
# Exit status: 0 every budget held and nothing regressed; 1 a budget failed or the run's one verdict failed
# (the benchmark's reporter and `converse-bench compare` judge the same checks); 2 bad input, no run record, or
# runs that cannot be compared.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Node 22 from the devDependencies when installed (Vitest 5 needs it); otherwise the PATH's.
NODE="$ROOT/node_modules/.bin/node"
[[ -x "$NODE" ]] || NODE=node
CLI=("$NODE" "$ROOT/src/cli/main.ts")

cd "${CI_GATE_PROJECT:-$ROOT}" || exit 2
OUT="${CONVERSE_BENCH_OUTPUT_DIR:-outputs}"
PRESET="${CI_GATE_PRESET:-gate}"

say() { printf 'ci-gate: %s\n' "$*" >&2; }

mode=run
shard=''
merge_dir=''
case "${1:-}" in
  --shard)
    [[ $# -ge 2 && "$2" =~ ^[0-9]+/[0-9]+$ ]] || { say '--shard needs I/N, e.g. --shard 1/3'; exit 2; }
    mode=shard; shard="$2"; shift 2 ;;
  --merge)
    [[ $# -ge 2 && -d "$2" ]] || { say "--merge needs the folder of blob reports, e.g. --merge .vitest-reports"; exit 2; }
    mode=merge; merge_dir="$2"; shift 2 ;;
esac

if [[ -n "${CONVERSE_BENCH_BASELINE:-}" && ! -e "$CONVERSE_BENCH_BASELINE" ]]; then
  say "baseline $CONVERSE_BENCH_BASELINE not found (first run of the main branch?): gating on budgets only"
  unset CONVERSE_BENCH_BASELINE
fi

run_records() { ls -1 "$OUT"/run-*.json 2>/dev/null | sort; }
before="$(run_records)"

bench_args=()
[[ "$PRESET" != none && -n "$PRESET" ]] && bench_args+=(--preset "$PRESET")
bench_args+=("$@")
if [[ "$mode" == shard ]]; then
  blobs="${CI_GATE_BLOB_DIR:-.vitest-reports}"
  index="${shard%/*}"; count="${shard#*/}"
  vitest_args=("--shard=$shard" --reporter=blob "--outputFile=$blobs/blob-$index-$count.json")
  # Vitest options go after `--`; add one unless the caller already did.
  if printf '%s\n' "$@" | grep -qx -- '--'; then bench_args+=("${vitest_args[@]}"); else bench_args+=(-- "${vitest_args[@]}"); fi
fi

if [[ "$mode" == merge ]]; then
  "$NODE" "$ROOT/node_modules/vitest/vitest.mjs" bench --run --merge-reports="$merge_dir"
  bench_status=$?
else
  "${CLI[@]}" bench "${bench_args[@]}"
  bench_status=$?
fi
# A shard's run record covers only its models: the merge job compares.
[[ "$mode" == shard ]] && exit "$bench_status"
[[ "$bench_status" -gt 2 ]] && { say "the benchmark itself failed (exit $bench_status)"; exit 2; }

candidate="$(comm -13 <(printf '%s\n' "$before") <(run_records) | tail -n 1)"
if [[ -z "$candidate" ]]; then
  say "no new run record in $OUT: the benchmark wrote nothing (exit $bench_status)"
  exit 2
fi
say "run record: $candidate"

compare_status=0
if [[ -n "${CONVERSE_BENCH_BASELINE:-}" ]]; then
  compare_args=(compare --markdown)
  [[ "${CI_GATE_ALLOW_MISMATCH:-false}" == true ]] && compare_args+=(--allow-mismatch)
  "${CLI[@]}" "${compare_args[@]}" "$CONVERSE_BENCH_BASELINE" "$candidate" >"$OUT/comparison.md"
  compare_status=$?
  if [[ -s "$OUT/comparison.md" ]]; then
    cat "$OUT/comparison.md"
    [[ -n "${GITHUB_STEP_SUMMARY:-}" ]] && cat "$OUT/comparison.md" >>"$GITHUB_STEP_SUMMARY"
  fi
  # The comparison drawn side by side: the baseline run(s) and this one in one HTML report.
  if [[ "$compare_status" -le 1 ]]; then
    "${CLI[@]}" report "$CONVERSE_BENCH_BASELINE" "$candidate" --out "$OUT/comparison.html" --title 'Latency comparison' >&2 ||
      say "could not draw the comparison report"
  fi
fi

say "benchmark exit $bench_status, comparison exit $compare_status"
[[ "$bench_status" -ne 0 ]] && exit "$bench_status"
exit "$compare_status"
