#!/usr/bin/env bash
# The latency gate of a pull request, in this repository: `converse-bench gate` (src/cli/gate.ts, the
# command a user's workflow calls; `converse-bench gate --help` lists its modes and variables) run from
# the sources on the pinned Node 22, in CI_GATE_PROJECT (default: this repository).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Node 22 from the devDependencies when installed (Vitest 5 needs it); otherwise the PATH's.
NODE="$ROOT/node_modules/.bin/node"
[[ -x "$NODE" ]] || NODE=node
# The project's bench run loads converse-bench from dist/: build it from the sources first.
(cd "$ROOT" && "$NODE" scripts/build.mjs) || exit 2
cd "${CI_GATE_PROJECT:-$ROOT}" || exit 2
exec "$NODE" "$ROOT/src/cli/main.ts" gate "$@"
