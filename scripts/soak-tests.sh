#!/usr/bin/env bash
# Soak test of the test suite: runs `npm test` N times in a clean clone of this repository, one line
# per run (pass/fail, duration, counts, failing tests) and a summary; exits 1 if any run failed.
#
#   scripts/soak-tests.sh [-n N] [--busy] [--parent DIR] [--copy-node-modules] [--keep] [-- jest args]
#
#   -n N                 runs (default 10)
#   --busy               keep one core busy with another process during every run
#   --parent DIR         where the clone goes (default: the folder that holds this repository). Tests
#                        read ../shared relative to the repository, so DIR must contain `shared`.
#   --copy-node-modules  copy this repository's node_modules instead of `npm ci` (faster, less clean)
#   --keep               keep the clone (default: removed at the end)
#   -- ARGS              passed to jest (e.g. -- --selectProjects integration)
#
# The clone is of the committed HEAD: uncommitted changes are not soaked.
set -euo pipefail

runs=10
busy=0
copy_modules=0
keep=0
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
parent=$(dirname "$repo")
jest_args=()

while (($#)); do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    --busy) busy=1; shift ;;
    --parent) parent=$2; shift 2 ;;
    --copy-node-modules) copy_modules=1; shift ;;
    --keep) keep=1; shift ;;
    --) shift; jest_args=("$@"); break ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "-n needs a positive number, got '$runs'" >&2; exit 2; }
[[ -d $parent/shared ]] || echo "warning: $parent/shared does not exist; tests that read ../shared will fail" >&2

commit=$(git -C "$repo" rev-parse HEAD)
clone=$(mktemp -d "$parent/soak-XXXXXX")
results=$(mktemp -d)
busy_pid=""

cleanup() {
  if [[ -n $busy_pid ]]; then kill "$busy_pid" 2>/dev/null || true; fi
  if ((keep)); then echo "clone kept in $clone"; else rm -rf "$clone"; fi
  rm -rf "$results"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "soak: $runs run(s) of npm test at ${commit:0:12} in $clone$( ((busy)) && echo ', one core kept busy')"
git clone --quiet --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout --quiet --detach "$commit"
if ((copy_modules)); then
  echo "soak: copying node_modules from $repo (not a clean install)"
  cp -a "$repo/node_modules" "$clone/node_modules"
else
  echo "soak: npm ci"
  # Native modules (better-sqlite3) fall back to a source build when no prebuilt binary can be
  # downloaded; node-gyp would then download Node's headers: use the installed ones when present.
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  if [[ -z ${npm_config_nodedir:-} && -f $node_prefix/include/node/node.h ]]; then export npm_config_nodedir=$node_prefix; fi
  (cd "$clone" && npm ci --no-audit --no-fund --loglevel=error >"$results/npm-ci.log" 2>&1) || {
    cat "$results/npm-ci.log" >&2
    exit 1
  }
fi

failed_runs=0
durations=()
for ((i = 1; i <= runs; i++)); do
  if ((busy)); then
    node -e 'for (;;) {}' &
    busy_pid=$!
  fi
  json="$results/run-$i.json"
  start=$(date +%s.%N)
  status=0
  (cd "$clone" && npm test --silent -- --ci --json --outputFile="$json" "${jest_args[@]}" >"$results/run-$i.log" 2>&1) || status=$?
  end=$(date +%s.%N)
  if [[ -n $busy_pid ]]; then
    kill "$busy_pid" 2>/dev/null || true
    wait "$busy_pid" 2>/dev/null || true
    busy_pid=""
  fi
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  durations+=("$seconds")
  if [[ -s $json ]]; then
    counts=$(node -e '
      const r = require(process.argv[1]);
      const failing = r.testResults.flatMap((f) =>
        f.assertionResults.filter((a) => a.status === "failed").map((a) => `${f.name.replace(process.argv[2] + "/", "")}: ${a.fullName}`),
      );
      const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((a) => a.status !== "failed"));
      // Summed suite times per project (the workers run them side by side) and the slowest suites.
      const rel = (f) => f.name.replace(process.argv[2] + "/", "");
      const secs = (f) => (f.endTime - f.startTime) / 1000;
      const projects = {};
      for (const f of r.testResults) {
        const p = rel(f).split("/")[1] ?? "other";
        projects[p] = (projects[p] ?? 0) + secs(f);
      }
      const slowest = [...r.testResults].sort((a, b) => secs(b) - secs(a)).slice(0, 3);
      const lines = [
        `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped of ${r.numTotalTests}; suites ${r.numFailedTestSuites} failed of ${r.numTotalTestSuites}`,
        `    suite time: ${Object.entries(projects).map(([p, t]) => `${p} ${t.toFixed(0)} s`).join(", ")}; slowest: ${slowest.map((f) => `${rel(f)} ${secs(f).toFixed(0)} s`).join(", ")}`,
      ];
      for (const f of failing) lines.push(`    ✕ ${f}`);
      for (const f of broken) lines.push(`    ✕ ${f.name.replace(process.argv[2] + "/", "")}: ${(f.message || "suite failed").split("\n").find((l) => l.trim()) ?? ""}`);
      console.log(lines.join("\n"));
    ' "$json" "$clone")
  else
    counts="no jest result (see the log below)"
  fi
  if ((status == 0)); then verdict=PASS; else verdict=FAIL; failed_runs=$((failed_runs + 1)); fi
  printf 'run %d/%d  %s  %6.1f s  %s\n' "$i" "$runs" "$verdict" "$seconds" "$counts"
  if ((status != 0)) && [[ ! -s $json ]]; then tail -n 20 "$results/run-$i.log" | sed 's/^/    /'; fi
done

summary=$(printf '%s\n' "${durations[@]}" | awk '{ s += $1; if (NR == 1 || $1 < min) min = $1; if ($1 > max) max = $1 } END { printf "min %.1f s, mean %.1f s, max %.1f s", min, s / NR, max }')
echo "soak: $((runs - failed_runs))/$runs passed; $summary"
((failed_runs == 0))
