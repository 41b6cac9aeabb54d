#!/usr/bin/env bash
# Runs every test: Rust (SQLite and Postgres), the JS client suites against the
# real server, and the web app's checks, unit and browser tests.
# Needs Postgres on 127.0.0.1:5432 (trust auth) and, for the browser tests,
# /usr/bin/chromium. Nothing is skipped when something is missing: it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Postgres on 127.0.0.1:5432"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Postgres is not answering on 127.0.0.1:5432; start it with:" >&2
  echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  exit 1
fi

# The web app is built first: the server binary embeds pwa/dist (server/build.rs).
if [ -f pwa/package.json ]; then
  step "Web app: install, type-check, lint, unit tests, build"
  (cd pwa && npm ci --no-audit --no-fund && npm run check && npm test && npm run build)
fi

step "Rust: format, lints, build"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo build --workspace

step "JS packages (the Rust interop test drives the JS client too)"
(cd tests/js && npm ci --no-audit --no-fund)

step "Rust: tests (SQLite and Postgres)"
cargo test --workspace

export FLOORWALK_BIN="$PWD/target/debug/floorwalk"

step "JS automerge-repo clients against the real server"
(cd tests/js && npm test)

if [ -f pwa/package.json ]; then
  step "Web app: browser tests"
  (cd pwa && npm run test:e2e)
fi

step "all tests passed"
