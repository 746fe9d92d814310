#!/usr/bin/env bash
# Re-extracts every translatable message (core and UI share one gettext domain), merges
# them into each language's .po file and compiles the .mo files that ship with the app.
set -euo pipefail
cd "$(dirname "$0")/.."
tdir=resources/translations
pybabel extract --no-location --sort-output -k _ -k N_ -k ngettext:1,2 \
  --project Pregonero --copyright-holder "Pregonero developers" \
  -o "$tdir/pregonero.pot" app ui schedulers
for lang in es; do
  if [ -f "$tdir/$lang/LC_MESSAGES/pregonero.po" ]; then
    pybabel update --no-fuzzy-matching -D pregonero -i "$tdir/pregonero.pot" -d "$tdir" -l "$lang"
  else
    pybabel init -D pregonero -i "$tdir/pregonero.pot" -d "$tdir" -l "$lang"
  fi
done
python -m app.i18n compile
