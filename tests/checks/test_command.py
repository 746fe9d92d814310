"""``pregonero check``: prints the findings, exit 1 on errors, 0 otherwise."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli import main

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "media"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_error_exits_1_and_shows_the_span(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "--text",
            "El plazo se abre el martes 18 de enero.",
            "--at",
            "2027-01-11 10:00",
            "--tz",
            "Europe/Madrid",
        ],
        capsys,
    )
    assert code == 1
    assert "error: [text]" in out and "“martes 18 de enero”" in out
    assert "suggestion: lunes 18 de enero" in out and "1 error(s), 0 warning(s)" in out


def test_a_correct_text_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "--text",
            "Mañana, lunes 18 de enero, se abre el plazo.",
            "--at",
            "2027-01-17 19:00",
            "--tz",
            "Europe/Madrid",
            "--network",
            "facebook",
        ],
        capsys,
    )
    assert (code, out.strip()) == (0, "0 error(s), 0 warning(s)")


def test_warnings_only_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "--text",
            "El plazo se abre el 18 de febrero.",
            "--at",
            "2027-01-11 10:00",
            "--tz",
            "Europe/Madrid",
            "--key-date",
            "apertura_plazo=2027-01-18",
        ],
        capsys,
    )
    assert code == 0 and "warning: [text]" in out and "apertura_plazo" in out


def test_text_from_a_file_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    post = tmp_path / "post.txt"
    post.write_text("Dimarts 18 de gener s'obri el termini.\n", encoding="utf-8")
    code, out, _ = run([str(post), "--at", "2027-01-11 10:00", "--tz", "Europe/Madrid"], capsys)
    assert code == 1 and "suggestion: Dilluns 18 de gener" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("Today, Monday 18 January.\n"))
    code, out, _ = run(["-", "--at", "2027-01-18 09:00", "--tz", "Europe/Madrid"], capsys)
    assert code == 0


def test_network_media_and_link(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "--text",
            "x" * 63207,
            "--at",
            "2027-01-11 10:00",
            "--tz",
            "UTC",
            "--network",
            "facebook",
            "--link",
            "http://localhost/a",
            "--media",
            str(MEDIA / "cartel-imprenta-cmyk.jpg"),
            "--alt",
            "Cartel",
        ],
        capsys,
    )
    assert code == 1
    assert "[facebook text]" in out and "[link]" in out and "[media:0]" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "hola", "--at", "mañana"], "YYYY-MM-DD HH:MM"),
        (
            ["--text", "hola", "--at", "2027-01-11 10:00", "--tz", "Mars/Olympus"],
            "Unknown time zone",
        ),
        (["--text", "hola", "--at", "2027-01-11 10:00", "--network", "myspace"], "Unknown network"),
        (["/nonexistent/post.txt", "--at", "2027-01-11 10:00"], "Cannot read"),
        (
            ["--text", "hola", "--at", "2027-01-11 10:00", "--key-date", "apertura"],
            "NAME=YYYY-MM-DD",
        ),
    ],
)
def test_bad_input_is_refused(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(args, capsys)
    assert code == 1 and message in err


def test_text_and_file_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "post.txt", "--text", "hola", "--at", "2027-01-11 10:00"])
    assert exc.value.code == 2


def test_a_video_for_facebook_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    reel = str(MEDIA / "reel-ultimo-dia-720x1280.mp4")
    args = ["--text", "Último día.", "--at", "2027-02-01 08:30", "--tz", "Europe/Madrid"]
    code, out, _ = run([*args, "--network", "facebook", "--media", reel], capsys)
    assert code == 0  # Facebook takes videos now (issue 4); within its limits
    assert "cannot publish videos" not in out
    code, out, _ = run([*args, "--media", reel], capsys)  # no network: readable, no finding
    assert code == 0


def test_a_relative_word_far_from_its_date(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--text", "Mañana se abre el plazo: 18/01/2027.", "--tz", "Europe/Madrid"]
    code, out, _ = run([*args, "--at", "2027-01-16 10:00"], capsys)
    assert code == 1 and "suggestion: Pasado mañana se abre el plazo: 18/01/2027" in out
    code, out, _ = run([*args, "--at", "2027-01-17 10:00"], capsys)
    assert code == 0
