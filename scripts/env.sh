# Shared environment for the scripts in this folder (sourced, not run).
# A persistent target directory outside the checkout keeps rebuilds fast,
# also for CI's fresh clones; override with CARGO_TARGET_DIR.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/visadesk/target}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
# wasm-opt (npm binaryen@132) for release builds, installed in end2end/.
export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# moto's S3 server (PyPI) for the S3 storage tests, in a venv of its own
# that scripts/bootstrap makes; server/tests/s3_storage.rs runs it.
export VISADESK_MOTO_VENV="${VISADESK_MOTO_VENV:-$HOME/.cache/visadesk/moto}"
export VISADESK_MOTO_SERVER="${VISADESK_MOTO_SERVER:-$VISADESK_MOTO_VENV/bin/moto_server}"
# aiosmtpd (a real SMTP server for the email tests) and icalendar, in a venv
# that scripts/bootstrap makes; server/tests/it/common/smtp.rs runs it.
export VISADESK_PYTOOLS_VENV="${VISADESK_PYTOOLS_VENV:-$HOME/.cache/visadesk/pytools}"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
