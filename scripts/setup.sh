#!/usr/bin/env bash
# Install what acelab needs on a fresh Debian machine: Debian packages (as root), then a .venv with the
# project. Idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

# bubblewrap and libseccomp2: the judge sandbox; g++, the JDK and junit5 (JUnit 5 jars): the C++ and
# Java judges.
DEBIAN_PACKAGES=(
  python3 python3-venv python3-dev gcc g++ sqlite3 bubblewrap libseccomp2
  openjdk-17-jdk-headless junit5
  jq  # the README's curl walkthroughs read JSON with it
  wrk  # `make bench` drives the read-heavy routes with it
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# Debian's interpreter, not a pyenv shim: faster start-up, and the one the judge sandbox runs.
PYTHON=/usr/bin/python3
stamp=.venv/.installed
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
