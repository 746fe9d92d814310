"""``pregonero import`` and ``pregonero export`` through app.cli.main."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest

from app.cli import main
from app.context import AppContext
from tests.support.stubnet import stub_factory
from tests.transfer.conftest import HOOTSUITE, write


@pytest.fixture
def accounts() -> Iterator[None]:
    ctx = AppContext(client_factory=stub_factory)
    ctx.accounts.connect("facebook", name="Empleo", remote_id="111", token="t1")
    ctx.accounts.connect("facebook", name="Formación", remote_id="222", token="t2")
    ctx.close()
    yield


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    return list(json.loads(capsys.readouterr().out))


def test_dry_run_prints_the_table_and_stores_nothing(
    accounts: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "import",
            str(HOOTSUITE),
            "--format",
            "hootsuite",
            "--date-order",
            "dmy",
            "--account",
            "Empleo",
            "--dry-run",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "2018-12-05 11:00 Wednesday" in out
    assert out.count("Same as row 1: a duplicate") == 2
    assert "3 rows: 0 ok, 3 with warnings, 0 with errors; 1 to import, 2 skipped." in out
    assert listed(capsys) == []


def test_import_scheduled_then_again(
    accounts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path / "plan.csv", "2030-01-14 09:00,Lunes,https://e.es\n15/01/2030 09:00,Martes\n"
    )
    argv = [
        "import",
        str(path),
        "--format",
        "hootsuite",
        "--account",
        "Empleo",
        "Formación",
        "--as",
        "scheduled",
        "--tz",
        "Europe/Madrid",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Imported 2 posts as scheduled. 0 rows skipped" in out
    posts = listed(capsys)
    assert [p["due_local"] for p in posts] == ["2030-01-14 09:00", "2030-01-15 09:00"]
    assert {d["account"] for d in posts[0]["deliveries"]} == {"Empleo", "Formación"}
    assert posts[0]["deliveries"][0]["state"] == "scheduled"
    assert main(argv) == 0
    assert "Imported 0 posts as scheduled. 2 rows skipped" in capsys.readouterr().out
    assert len(listed(capsys)) == 2


def test_errors_refuse_unless_skipped(
    accounts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "plan.csv", "2030-01-14 09:00,Bien\n2030-01-14 25:00,Mal\n")
    argv = ["import", str(path), "--format", "hootsuite", "--account", "Empleo"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "is not a valid time" in captured.out and "Nothing was imported" in captured.err
    assert listed(capsys) == []
    assert main([*argv, "--dry-run"]) == 1
    assert main([*argv, "--skip-errors"]) == 0
    assert "1 not imported because of errors" in capsys.readouterr().out
    assert len(listed(capsys)) == 1


def test_bad_arguments(accounts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(HOOTSUITE), "--format", "hootsuite", "--account", "Nadie"]) == 1
    assert "no account called “Nadie”" in capsys.readouterr().err
    assert (
        main(["import", str(tmp_path / "no.csv"), "--format", "buffer", "--account", "Empleo"]) == 1
    )
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["import", str(HOOTSUITE), "--format", "sprout", "--account", "Empleo"])
    assert info.value.code == 2
    out = str(tmp_path / "x.ics")
    assert main(["export", "--format", "ics", "--campaign", "Nada", "-o", out]) == 1
    assert "no campaign called “Nada”" in capsys.readouterr().err
    assert (
        main(["export", "--format", "ics", "--from", "2030-02-01", "--to", "2030-01-01", "-o", out])
        == 1
    )
    assert main(["export", "--format", "ics", "--from", "1/2/2030", "-o", out]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_export_ics_and_csv(
    accounts: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "plan.csv", "2030-01-14 09:00,Lunes\n2030-02-14 09:00,Febrero\n")
    assert (
        main(
            [
                "import",
                str(path),
                "--format",
                "hootsuite",
                "--account",
                "Empleo",
                "--as",
                "scheduled",
                "--tz",
                "Europe/Madrid",
            ]
        )
        == 0
    )
    ics = tmp_path / "plan.ics"
    assert (
        main(
            [
                "export",
                "--format",
                "ics",
                "--account",
                "Empleo",
                "--from",
                "2030-01-01",
                "--to",
                "2030-01-31",
                "--tz",
                "Europe/Madrid",
                "-o",
                str(ics),
            ]
        )
        == 0
    )
    assert "Exported 1 items" in capsys.readouterr().err
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Lunes"]
    assert main(["export", "--format", "hootsuite", "--tz", "Europe/Madrid", "-o", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "14/01/2030 09:00,Lunes,",
        "14/02/2030 09:00,Febrero,",
    ]
    assert main(["export", "--format", "csv", "-o", str(tmp_path / "h.csv")]) == 0
    assert (tmp_path / "h.csv").read_text(encoding="utf-8-sig").startswith("published_at,")
