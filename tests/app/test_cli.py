"""The command line refuses bad input with a clear message and stores nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.cli import main
from tests.fakes.graph import running_graph

PAGE, TOKEN = "1001", "PAGE-TOKEN-cli"


@pytest.fixture
def connected(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with running_graph({PAGE: TOKEN}) as fake:
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", fake.url)
        monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
        assert main(["account", "add", "facebook", "--name", "Empleo", "--page-id", PAGE]) == 0
        yield


def later(hours: int = 2) -> str:
    return (datetime.now(ZoneInfo("Europe/Madrid")) + timedelta(hours=hours)).strftime(
        "%Y-%m-%d %H:%M"
    )


def post_count(capsys: pytest.CaptureFixture[str]) -> int:
    capsys.readouterr()
    main(["list", "--json"])
    return len(json.loads(capsys.readouterr().out))


def test_wrong_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_graph({PAGE: TOKEN}) as fake:
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", fake.url)
        monkeypatch.setattr("sys.stdin", io.StringIO("not-the-token\n"))
        assert main(["account", "add", "facebook", "--name", "E", "--page-id", PAGE]) == 1
    err = capsys.readouterr().err
    assert "did not accept this access token" in err and "not-the-token" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--at", "2027-03-28 02:30", "--tz", "Europe/Madrid"],
            "next valid time is 2027-03-28 03:00",
        ),
        (["--at", "2027-10-31 02:30", "--tz", "Europe/Madrid"], "happens twice"),
        (["--at", "2020-01-01 10:00"], "in the past"),
        (["--at", "mañana"], "YYYY-MM-DD HH:MM"),
        (["--at", later(), "--tz", "Mars/Olympus"], "Unknown time zone"),
        (["--at", later(), "--account", "Nadie"], "no account called “Nadie”"),
        (["--at", later(), "--text", "x" * 63207], "at most 63206"),
        (["--at", later(), "--media", "/nonexistent/foto.jpg"], "does not exist"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    connected: None,
    capsys: pytest.CaptureFixture[str],
    samples: Path,
    args: list[str],
    message: str,
) -> None:
    base = {"--text": "Hola", "--account": "Empleo", "--tz": "Europe/Madrid"}
    for key in ("--text", "--account", "--tz"):
        if key in args:
            base.pop(key)
    argv = ["post", "add", *[x for kv in base.items() for x in kv], *args]
    assert main(argv) == 1
    assert message in capsys.readouterr().err
    assert post_count(capsys) == 0


def test_repeated_time_with_choice_and_media_with_spaces(
    connected: None, capsys: pytest.CaptureFixture[str], samples: Path
) -> None:
    photo = samples / "media" / "foto enorme ñandú.jpg"
    assert (
        main(
            [
                "post",
                "add",
                "--text",
                "Cambio de hora",
                "--account",
                "Empleo",
                "--at",
                "2027-10-31 02:30",
                "--tz",
                "Europe/Madrid",
                "--dst",
                "second",
                "--media",
                str(photo),
                "--alt",
                "Un ñandú en el campo",
            ]
        )
        == 0
    )
    post_id = int(capsys.readouterr().out.strip())
    main(["list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["id"] == post_id
    assert listed[0]["due_at"] == "2027-10-31T01:30:00+00:00"
    assert listed[0]["media"] == [{"file": "foto enorme ñandú.jpg", "alt": "Un ñandú en el campo"}]
    assert listed[0]["deliveries"][0]["state"] == "scheduled"


def test_alt_without_media_is_a_usage_error(connected: None) -> None:
    with pytest.raises(SystemExit) as info:
        main(
            [
                "post",
                "add",
                "--text",
                "x",
                "--alt",
                "sin foto",
                "--account",
                "Empleo",
                "--at",
                later(),
            ]
        )
    assert info.value.code == 2


def test_check_errors_block_post_add_unless_overridden(
    connected: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # 18 January 2027 is a Monday; the text says Tuesday (issue 7: careful publishing).
    args = ["post", "add", "--text", "El martes 18 de enero de 2027 abrimos el plazo."]
    args += ["--account", "Empleo", "--at", later(), "--tz", "Europe/Madrid"]
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "is a Monday, not a Tuesday" in err
    assert "--override CODE=REASON for: date_weekday_mismatch" in err
    assert post_count(capsys) == 0  # nothing stored
    assert main([*args, "--override", "date_weekday_mismatch=quoting the flyer"]) == 0
    assert post_count(capsys) == 1


def test_post_actions_from_the_command_line(
    connected: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["post", "add", "--text", "Borrador sin hora", "--account", "Empleo", "--draft"]) == 0
    )
    post_id = capsys.readouterr().out.strip()
    assert main(["post", "schedule", post_id, "--at", later(3)]) == 0
    assert "scheduled for" in capsys.readouterr().out
    assert main(["post", "unschedule", post_id]) == 0
    assert main(["post", "publish-now", post_id]) == 0
    capsys.readouterr()
    main(["list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["deliveries"][0]["state"] == "scheduled"
    assert main(["post", "delete", "999"]) == 1
    assert "no post number 999" in capsys.readouterr().err


def test_same_page_under_another_name_updates_the_token(
    connected: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert main(["account", "add", "facebook", "--name", "Otro", "--page-id", PAGE]) == 0
    assert "already connected as Empleo" in capsys.readouterr().out


def test_history_to_the_screen(connected: None, capsys: pytest.CaptureFixture[str]) -> None:
    main(["post", "add", "--text", "Registro", "--account", "Empleo", "--at", later()])
    capsys.readouterr()
    assert main(["history", "--format", "json", "-o", "-"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["to_state"] for r in rows] == ["draft", "scheduled"]


def test_keyring_that_keeps_nothing_or_cannot_load_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())
    monkeypatch.setattr("sys.stdin", io.StringIO("t\n"))
    assert main(["account", "add", "facebook", "--name", "E", "--page-id", PAGE]) == 1
    assert "keeps nothing" in capsys.readouterr().err


def test_post_add_prints_warnings_to_stderr(
    connected: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same text as a pending post on the same account: a warning, not an error.
    args = ["post", "add", "--text", "Taller de currículum en la oficina de empleo."]
    args += ["--account", "Empleo", "--at", later(), "--tz", "Europe/Madrid"]
    assert main(args) == 0
    first = capsys.readouterr()
    assert "Warning:" not in first.err
    assert main([*args[:-4], "--at", later(5), "--tz", "Europe/Madrid"]) == 0
    second = capsys.readouterr()
    assert second.out.strip().isdigit()
    warnings = [line for line in second.err.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1 and "the same as a recent or pending post" in warnings[0]
