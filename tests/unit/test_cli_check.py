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
    assert blame["text"] == "You failed to pay"
    assert text[blame["start"] : blame["end"]] == "You failed to pay"
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


# --- tactful pack check -------------------------------------------------------------


def run_pack_check(basedir: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TACTFUL_BASEDIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tactful", "--basedir", str(basedir), "pack", "check"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )


PACK_HEAD = """format = 1

[pack]
id = "team.replies"
name = "Team replies"
version = "1.0.0"

[[tone_rules]]
id = "no-ticket"
phrases = ["ticket"]
message = "Say 'request'."
severity = "info"
"""

PACK_TEMPLATES = '''
[[templates]]
id = "clean"
title = "Clean"
situation = "order_late"
body = "Hi {customer_name}, order {order_id} arrives on {delivery_date}; I'll check it then."

[[templates]]
id = "rough"
title = "Rough"
situation = "angry_customer"
body = """
Hi {customer_name},

Please calm down. Your ticket is open.
"""

[templates.variants]
chat = "Hopefully it ships by {ship_date}."
'''


def test_pack_check_reports_file_line_template_and_rule(basedir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "team.tactful.toml"
    pack.write_text(PACK_HEAD + PACK_TEMPLATES, encoding="utf-8")
    lines = pack.read_text(encoding="utf-8").splitlines()
    calm = next(i for i, line in enumerate(lines, 1) if "calm down" in line)
    chat = next(i for i, line in enumerate(lines, 1) if line.startswith("chat ="))
    out = run_pack_check(basedir, pack)
    assert out.returncode == 1, out.stderr
    got = out.stdout.splitlines()
    assert f"{pack}:{calm}: team.replies/rough: dismissive: " in "\n".join(got)
    assert any(line.startswith(f"{pack}:{calm}: team.replies/rough: no-ticket: ") for line in got)
    assert any(
        line.startswith(f"{pack}:{chat}: team.replies/rough#chat: hedged-commitment: ")
        for line in got
    )
    # placeholders are filled with sample values, so the clean template is clean
    assert not [line for line in got if "team.replies/clean" in line]


def test_pack_check_clean_pack_exits_zero(basedir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "clean.tactful.toml"
    pack.write_text(PACK_HEAD + PACK_TEMPLATES.split('[[templates]]\nid = "rough"')[0], "utf-8")
    out = run_pack_check(basedir, pack)
    assert (out.returncode, out.stdout) == (0, ""), out.stderr


def test_pack_check_info_only_exits_zero(basedir: Path, tmp_path: Path) -> None:
    pack = tmp_path / "info.tactful.toml"
    pack.write_text(
        PACK_HEAD + '\n[[templates]]\nid = "t"\ntitle = "T"\nsituation = "order_late"\n'
        'body = "Your ticket {ticket_id} is open, and I\'ll reply by Friday."\n',
        encoding="utf-8",
    )
    out = run_pack_check(basedir, pack)
    assert out.returncode == 0, out.stdout
    assert ": team.replies/t: no-ticket: " in out.stdout


def test_pack_check_invalid_pack_is_bad_input_and_others_still_checked(
    basedir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.tactful.toml"
    broken.write_text(PACK_HEAD + '\n[[templates]]\nid = "t"\ntitle = "T"\n', encoding="utf-8")
    rough = tmp_path / "team.tactful.toml"
    rough.write_text(PACK_HEAD + PACK_TEMPLATES, encoding="utf-8")
    out = run_pack_check(basedir, broken, rough)
    assert out.returncode == 2
    assert out.stdout.startswith(f"{broken}:")
    assert f"{rough}:" in out.stdout


def test_pack_check_bundled_packs_are_clean(basedir: Path) -> None:
    from tactful.resources import bundled_pack_files

    out = run_pack_check(basedir, *bundled_pack_files())
    assert out.returncode == 0, out.stdout
