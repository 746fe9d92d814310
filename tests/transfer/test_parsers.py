"""Each parser on the real fixture files and on the ways people's files go wrong."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.transfer.formats import buffer, hootsuite, publer, read_file
from app.transfer.textio import decode
from tests.conftest import SAMPLES
from tests.transfer.conftest import BUFFER, HOOTSUITE, write


def codes(reasons: list) -> list[str]:
    return [r.code for r in reasons]


# ----------------------------------------------------------------------------- Hootsuite
def test_hootsuite_real_file() -> None:
    source = read_file(HOOTSUITE, "hootsuite", date_order="dmy")
    assert [r.row for r in source.rows] == [1, 2, 3]
    for row in source.rows:
        assert row.local == datetime(2018, 12, 5, 11, 0)
        assert row.text.startswith("The community would like to thank Drexel University")
        assert row.text.endswith("#bsidesphillysponsors")
        assert row.link == "https://drexel.edu"
        assert not row.errors and not row.warnings  # ISO dates read the same both ways
    assert source.delimiter == "," and source.encoding == "utf-8"


def test_hootsuite_date_order_and_ambiguity(tmp_path: Path) -> None:
    path = write(
        tmp_path / "h.csv",
        "05/12/2027 09:30,Taller de empleo,https://empleo.example.es\n"
        "25/12/2027 10:00,Feliz Navidad\n"
        "07/07/2027 08:00,Mismo día y mes\n",
    )
    dmy = read_file(path, "hootsuite", date_order="dmy").rows
    assert dmy[0].local == datetime(2027, 12, 5, 9, 30)
    assert codes(dmy[0].warnings) == ["date_order_ambiguous"]
    message = dmy[0].warnings[0].message
    assert "Sunday, December 5, 2027 (used)" in message and "Wednesday, May 12, 2027" in message
    assert dmy[1].local == datetime(2027, 12, 25, 10, 0) and not dmy[1].warnings
    assert dmy[2].local == datetime(2027, 7, 7, 8, 0) and not dmy[2].warnings
    mdy = read_file(path, "hootsuite", date_order="mdy").rows
    assert mdy[0].local == datetime(2027, 5, 12, 9, 30)
    assert codes(mdy[1].errors) == ["wrong_date_order"]
    assert "Saturday, December 25, 2027" in mdy[1].errors[0].message


def test_hootsuite_malformed_rows_become_error_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.csv",
        "2027-01-18 09:00,Hola, mundo sin comillas,https://a.es\n"
        "\n"
        "2027-01-18 09:00\n"
        "mañana,Texto\n"
        '2027-01-18 10:00,"comillas" mal cerradas,x\n'
        "2027-01-18 5:30 pm,Doce horas\n"
        "18/01/27 09:00,Año corto\n"
        "2027-01-18 11:00,Enlace raro,www.sin-esquema.es\n"
        "2027-02-30 11:00,Fecha imposible\n"
        "2027-01-18 12:00,Bien\n",
    )
    rows = read_file(path, "hootsuite").rows
    by_row = {r.row: codes(r.errors) for r in rows}
    assert by_row == {
        1: ["too_many_columns"],
        3: ["no_message"],
        4: ["bad_date"],
        5: ["bad_csv"],
        6: ["ampm"],
        7: ["short_year"],
        8: ["bad_link"],
        9: ["bad_date"],
        10: [],
    }


def test_semicolons_and_windows_1252_from_spanish_excel(tmp_path: Path) -> None:
    path = write(
        tmp_path / "excel.csv",
        "18/01/2027 09:00;Inscripción abierta: ¡ñandú!;https://empleo.example.es\r\n",
        encoding="cp1252",
    )
    source = read_file(path, "hootsuite")
    assert source.delimiter == ";" and source.encoding == "cp1252"
    assert source.rows[0].text == "Inscripción abierta: ¡ñandú!"
    assert any("Windows-1252" in n for n in source.notes)


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = write(tmp_path / "sep.csv", "sep=;\n2027-01-18 09:00;Uno, dos y tres;\n")
    row = read_file(path, "hootsuite").rows[0]
    assert row.row == 2 and row.text == "Uno, dos y tres" and not row.errors


def test_utf16_with_bom_is_read() -> None:
    text = "2027-01-18 09:00,Año nuevo\n"
    decoded = decode(text.encode("utf-16"))
    assert decoded.text == text and decoded.had_bom


def test_hootsuite_writer_round_trips(tmp_path: Path) -> None:
    rows = [
        (datetime(2027, 1, 5, 9, 0), 'Con "comillas", comas\ny saltos', "https://a.es"),
        (datetime(2027, 1, 25, 17, 30), "Sin enlace", None),
    ]
    for order in ("dmy", "mdy"):
        path = tmp_path / f"{order}.csv"
        path.write_bytes(hootsuite.write(rows, order))
        back = read_file(path, "hootsuite", date_order=order).rows
        assert [(r.local, r.text, r.link) for r in back] == rows
    assert (tmp_path / "dmy.csv").read_bytes().startswith(b"05/01/2027 09:00,")


# ----------------------------------------------------------------------------- Buffer
def test_buffer_real_template() -> None:
    source = read_file(BUFFER, "buffer")
    assert source.encoding == "utf-8-sig"
    first, image, tags = source.rows
    assert (first.row, first.text, first.local) == (
        2,
        "A post with text",
        datetime(2026, 1, 27, 17, 30),
    )
    assert image.queue and image.media[0].source.startswith("https://images.unsplash.com/")
    assert image.media[0].source.endswith("%3D%3D")
    assert tags.queue and codes(tags.warnings) == ["ignored_tags"]
    assert "tag1,tag2" in tags.warnings[0].message


def test_buffer_bom_multiline_cells_and_us_dates(tmp_path: Path) -> None:
    text = (
        "\ufeffText,Image URL,Tags,Posting Time\r\n"
        '"Primera línea\r\nsegunda línea, con coma\r\n\r\n#Empleo",,,2/3/2027 9:05\r\n'
        '"Dice ""hola""",,,12/31/2027 11:59 pm\r\n'
        "Mal,,,31/12/2027 10:00\r\n"
    )
    rows = read_file(write(tmp_path / "b.csv", text), "buffer").rows
    assert rows[0].text == "Primera línea\nsegunda línea, con coma\n\n#Empleo"
    assert rows[0].local == datetime(2027, 2, 3, 9, 5) and not rows[0].warnings
    assert rows[1].row == 3 and rows[1].text == 'Dice "hola"'  # one record = one row
    assert rows[1].local == datetime(2027, 12, 31, 23, 59)
    assert codes(rows[2].errors) == ["wrong_date_order"]


def test_buffer_wrong_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not look like a Buffer file"):
        read_file(write(tmp_path / "x.csv", "Date,Message\n1/1/2027 10:00,Hi\n"), "buffer")


def test_buffer_writer_round_trips(tmp_path: Path) -> None:
    rows = [(datetime(2027, 1, 27, 17, 30), "Texto\ncon salto", None), (None, "A la cola", None)]
    path = tmp_path / "out.csv"
    path.write_bytes(buffer.write(rows))
    assert path.read_bytes().startswith(b"\xef\xbb\xbfText,Image URL,Tags,Posting Time\r\n")
    back = read_file(path, "buffer").rows
    assert [(r.local, r.text, r.queue) for r in back] == [
        (datetime(2027, 1, 27, 17, 30), "Texto\ncon salto", False),
        (None, "A la cola", True),
    ]


# ----------------------------------------------------------------------------- Publer
def publer_file(tmp_path: Path, *rows: list[str]) -> Path:
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(publer.HEADER)
    writer.writerows(rows)
    return write(tmp_path / "publer.csv", out.getvalue())


def test_publer_twelve_columns(tmp_path: Path) -> None:
    blank = [""] * 12
    full = [
        "2027-11-19 20:35",
        "Texto",
        "https://a.es, https://b.es",
        "https://img.es/1.jpg,https://img.es/2.png",
        "Título",
        "etiqueta",
        "Uno || Dos",
        "Comentario",
        "",
        "reel",
        "",
        "",
    ]
    prompt = ["next Friday at 2 PM", "Texto"] + blank[2:]
    queued = ["", "Sin fecha"] + blank[2:]
    too_many = ["2027-01-01 10:00", "x", *blank[2:], "extra"]
    path = publer_file(tmp_path, full, prompt, queued, too_many)
    source = read_file(path, "publer")
    assert len(publer.HEADER) == 12
    row, bad, queue, wide = source.rows
    assert row.row == 2 and row.local == datetime(2027, 11, 19, 20, 35)
    assert row.link == "https://a.es"
    assert [(m.source, m.alt) for m in row.media] == [
        ("https://img.es/1.jpg", "Uno"),
        ("https://img.es/2.png", "Dos"),
    ]
    assert sorted(set(codes(row.warnings))) == ["ignored_column", "link_carousel"]
    assert len([c for c in codes(row.warnings) if c == "ignored_column"]) == 4
    assert codes(bad.errors) == ["date_prompt"]
    assert queue.queue and not queue.errors
    assert codes(wide.errors) == ["too_many_columns"]


# ----------------------------------------------------------------------------- Pregonero
def test_pregonero_csv(tmp_path: Path) -> None:
    text = (
        "when,tz,text,link,accounts,campaign,key_date,key_date_on,offset_days,pin_time,"
        "media_1,alt_1,media_2,alt_2,language,colour\n"
        "2027-01-18T09:00:00+01:00,,Abre el plazo,https://e.es,Empleo; Formación,Plan,"
        "apertura,2027-01-18,0,,foto.jpg,Cartel,https://x.es/2.png,Otra,es,red\n"
        ",,Recordatorio,,,Plan,apertura,,-1,19:00,,,,,,\n"
        "2027-01-18 09:00,Atlantic/Canary,Hora canaria,,,,,,,,,,,,,\n"
        "ayer,,Mal,,,,,,,,,,,,,\n"
    )
    source = read_file(write(tmp_path / "p.csv", text), "pregonero")
    first, pin, canary, bad = source.rows
    assert first.instant is not None and first.instant.utcoffset().total_seconds() == 3600
    assert first.accounts == ["Empleo", "Formación"] and first.language == "es"
    assert [(m.source, m.alt) for m in first.media] == [
        ("foto.jpg", "Cartel"),
        ("https://x.es/2.png", "Otra"),
    ]
    assert first.key_date_on == date(2027, 1, 18)
    assert (pin.local, pin.offset_days, pin.pin_time, pin.queue) == (None, -1, time(19, 0), False)
    assert canary.local == datetime(2027, 1, 18, 9, 0) and canary.tz == "Atlantic/Canary"
    assert codes(bad.errors) == ["bad_date"]
    assert any("colour" in n for n in source.notes)


def test_pregonero_json_reads_the_sample_posts() -> None:
    source = read_file(SAMPLES / "posts.json", "pregonero", language="ca")
    teaser = source.rows[0]
    assert teaser.ref == "pf-teaser" and teaser.language == "ca"
    assert teaser.text.startswith("📣 Ja és ací")
    assert teaser.key_date == "apertura_plazo" and teaser.offset_days == -7
    assert teaser.media[0].source == "media/plan-formacion-2027-1080x1080.jpg"
    assert source.key_dates[("Plan de Formación 2027", "cierre_plazo")] == date(2027, 2, 1)


def test_pregonero_json_malformed_posts(tmp_path: Path) -> None:
    doc = {
        "posts": [
            "texto suelto",
            {"when": 5, "text": "x"},
            {"text": "ok", "media": "no-lista"},
            {"text": "", "offset_days": "dos", "key_date": "k"},
        ]
    }
    rows = read_file(write(tmp_path / "p.json", json.dumps(doc)), "pregonero").rows
    assert [codes(r.errors) for r in rows] == [
        ["bad_post"],
        ["bad_date"],
        ["bad_media"],
        ["bad_offset", "key_date_without_campaign", "pin_without_time", "empty"],
    ]


def test_not_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        read_file(write(tmp_path / "p.json", "{posts: ["), "pregonero")


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        read_file(tmp_path / "missing.csv", "hootsuite")
    with pytest.raises(ValidationError, match="is empty"):
        read_file(write(tmp_path / "empty.csv", "\n\n"), "hootsuite")
    with pytest.raises(ValidationError, match="Unknown import format"):
        read_file(HOOTSUITE, "sprout")
