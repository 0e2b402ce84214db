"""``tactful check``, run as a subprocess against a temporary base directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def run(basedir: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TACTFUL_BASEDIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", "tactful", "--basedir", str(basedir), "check", *args],
        capture_output=True,
        input=stdin,
        env=env,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def test_findings_as_file_line_col(basedir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Hello,\n\nCalm down, please.\n", encoding="utf-8")
    out = run(basedir, str(draft))
    assert out.returncode == 1, out.stderr
    assert out.stdout.splitlines()[0].startswith(f"{draft}:3:1: dismissive: ")


def test_stdin_omits_the_file_name(basedir: Path) -> None:
    out = run(basedir, "-", stdin=b"Fine.\nIt is obviously done.")
    assert out.returncode == 1
    assert out.stdout.startswith("2:7: condescending: ")


def test_clean_draft_exits_zero(basedir: Path) -> None:
    out = run(basedir, "-", stdin=b"I've refunded your order today.")
    assert (out.returncode, out.stdout) == (0, "")


def test_info_only_exits_zero(basedir: Path) -> None:
    out = run(basedir, "-", stdin=b"Sorry for the wait. I've refunded it today.")
    assert out.returncode == 0
    assert "sorry-for-wait" in out.stdout


def test_json_has_line_col_and_replacement(basedir: Path) -> None:
    text = "Hi {name|there},\nsorry for the wait! \U0001f600 You failed to pay."
    out = run(basedir, "-", "--json", stdin=text.encode())
    assert out.returncode == 1
    findings = json.loads(out.stdout)
    by_rule = {f["rule"]: f for f in findings}
    wait = by_rule["sorry-for-wait"]
    assert (wait["line"], wait["col"], wait["replacement"]) == (2, 1, "thank you for waiting")
    assert wait["severity"] == "info"
    blame = by_rule["blame"]
    assert blame["text"] == "You failed to"
    assert text[blame["start"] : blame["end"]] == "You failed to"
    assert (blame["line"], blame["col"]) == (2, 23)
    assert by_rule["unfilled-placeholder"]["replacement"] == "there"


def test_team_rules_from_installed_packs(basedir: Path) -> None:
    packs = basedir / "data" / "packs"
    packs.mkdir(parents=True)
    shutil.copy(FIXTURES / "acme.tactful.toml", packs / "acme.tactful.toml")
    out = run(basedir, "-", "--json", stdin=b"Your RMA number is 42. I've emailed the label.")
    assert out.returncode == 0, out.stderr  # the team rule is info
    assert [f["rule"] for f in json.loads(out.stdout)] == ["no-rma"]


def test_missing_file_is_bad_input(basedir: Path, tmp_path: Path) -> None:
    out = run(basedir, str(tmp_path / "nope.txt"))
    assert out.returncode == 2
    assert "nope.txt: cannot read" in out.stderr


def test_not_utf8_is_bad_input_with_the_byte(basedir: Path, tmp_path: Path) -> None:
    draft = tmp_path / "latin1.txt"
    draft.write_bytes("caf\u00e9 calm down".encode("latin-1"))
    out = run(basedir, str(draft))
    assert out.returncode == 2
    assert "not UTF-8 text (byte 4 is invalid)" in out.stderr


@pytest.mark.parametrize("stdin", [b"", b"\xef\xbb\xbf"])
def test_empty_input_is_clean(basedir: Path, stdin: bytes) -> None:
    out = run(basedir, "-", stdin=stdin)
    assert (out.returncode, out.stdout) == (0, "")


def test_help_mentions_the_window(basedir: Path) -> None:
    out = run(basedir, "--help")
    assert out.returncode == 0
    assert "FILE" in out.stdout
    assert "--json" in out.stdout
