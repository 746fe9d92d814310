#!/usr/bin/env bash
# Installs Pregonero and its test tools into .venv, then runs every check CI runs:
# translations up to date, ruff (lint + format), mypy on the core, the whole pytest
# suite offscreen, and the Secret Service suite inside a private D-Bus session.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
export PATH="$PWD/.venv/bin:$PATH"

python -m app.i18n check
ruff check app schedulers ui tests scripts bench
ruff format --check app schedulers ui tests scripts bench
mypy app schedulers

QT_QPA_PLATFORM=offscreen python -m pytest -q -p no:cacheprovider

# The one suite that uses a real Secret Service (GNOME Keyring) instead of the test keyring.
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  kr_home=$(mktemp -d)
  HOME="$kr_home" XDG_DATA_HOME="$kr_home/.local/share" XDG_RUNTIME_DIR="$kr_home" \
    dbus-run-session -- sh -c \
    'printf "ci-pass" | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
     QT_QPA_PLATFORM=offscreen python -m pytest -q -p no:cacheprovider -m secretservice'
  rm -rf "$kr_home"
else
  echo "Secret Service suite skipped: install dbus and gnome-keyring to run it." >&2
fi
