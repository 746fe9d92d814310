"""Fill Spanish translations into es.po from a JSON file {msgid: msgstr} (developer aid).

Usage: python scripts/translate_es.py translations.json
Plural messages: the value is a list of three forms (nplurals=3 header). Prints the
messages that still have no Spanish.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "resources/translations/es/LC_MESSAGES/pregonero.po"


def main() -> int:
    table = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="es")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            value = table[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
        empty = not any(message.string) if isinstance(message.string, tuple) else not message.string
        if empty:
            missing.append(key)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    for key in missing:
        print(json.dumps(key, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
