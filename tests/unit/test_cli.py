"""The command line, run as a subprocess against a temporary base directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def run(basedir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TACTFUL_BASEDIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tactful", "--basedir", str(basedir), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=60,
    )


@pytest.fixture
def team_basedir(basedir: Path) -> Path:
    packs = basedir / "data" / "packs"
    packs.mkdir(parents=True)
    shutil.copy(FIXTURES / "acme.tactful.toml", packs / "acme.tactful.toml")
    return basedir


def test_version_and_help(basedir: Path) -> None:
    out = run(basedir, "--version")
    assert out.returncode == 0
    assert out.stdout.startswith("tactful ")
    for command in (["list"], ["search"], ["render"], ["pack", "validate"]):
        helped = run(basedir, *command, "--help")
        assert helped.returncode == 0, command
        assert "usage: tactful" in helped.stdout


def test_list_json_has_the_documented_fields(team_basedir: Path) -> None:
    out = run(team_basedir, "list", "--json", "--pack", "acme.support")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert [i["id"] for i in items] == [
        "acme.support/late-birthday-gift",
        "acme.support/points-missing",
    ]
    first = items[0]
    assert set(first) >= {
        "id",
        "pack",
        "title",
        "situation",
        "tags",
        "keywords",
        "tone",
        "body",
        "variants",
    }
    assert first["variants"]["chat"].startswith("Oh no")


def test_list_filters_by_situation_and_exits_1_when_empty(team_basedir: Path) -> None:
    out = run(team_basedir, "list", "--situation", "loyalty_points")
    assert out.returncode == 0
    assert out.stdout.split("\t")[0] == "acme.support/points-missing"
    assert run(team_basedir, "list", "--pack", "no.such.pack").returncode == 1


def test_search_json_adds_score(team_basedir: Path) -> None:
    out = run(team_basedir, "search", "--json", "--limit", "3", "loyalty", "points", "not", "added")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert items[0]["id"] == "acme.support/points-missing"
    assert len(items) <= 3
    assert all(isinstance(i["score"], float) for i in items)
    assert items == sorted(items, key=lambda i: -i["score"])


def test_search_with_no_result_exits_1(team_basedir: Path) -> None:
    out = run(team_basedir, "search", "--json", "zzqxv")
    assert out.returncode == 1
    assert json.loads(out.stdout) == []


def test_render_fills_values_and_builtins(team_basedir: Path) -> None:
    settings = team_basedir / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('agent_name = "Sam"\n', encoding="utf-8")
    out = run(team_basedir, "render", "acme.support/points-missing", "--set", "points=250")
    assert out.returncode == 0, out.stderr
    assert out.stdout == (
        "Thanks for flagging this, there. I've added the 250 points to your account just now; "
        "they show up within the hour. Signed, Sam\n"
    )


def test_render_channel_variant(team_basedir: Path) -> None:
    out = run(
        team_basedir,
        "render",
        "acme.support/late-birthday-gift",
        "--channel",
        "chat",
        "--set",
        "delivery_date=Friday",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("with you by Friday.")
    missing_variant = run(
        team_basedir, "render", "acme.support/late-birthday-gift", "--channel", "fax"
    )
    assert missing_variant.returncode == 2
    assert "no 'fax' variant" in missing_variant.stderr


def test_render_missing_value_names_it(team_basedir: Path) -> None:
    out = run(team_basedir, "render", "acme.support/late-birthday-gift")
    assert out.returncode == 2
    assert "order_id, delivery_date" in out.stderr
    assert out.stdout == ""


def test_render_unknown_id_and_bad_set(team_basedir: Path) -> None:
    assert "no template with id" in run(team_basedir, "render", "x/y").stderr
    bad = run(team_basedir, "render", "acme.support/points-missing", "--set", "points")
    assert bad.returncode == 2
    assert "NAME=VALUE" in bad.stderr


def test_pack_validate_reports_file_and_line(tmp_path: Path, basedir: Path) -> None:
    good = FIXTURES / "acme.tactful.toml"
    bad = tmp_path / "bad.tactful.toml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace(
            'situation = "missed_occasion"', 'situation = "nope"'
        ),
        encoding="utf-8",
    )
    assert run(basedir, "pack", "validate", str(good)).returncode == 0
    out = run(basedir, "pack", "validate", str(good), str(bad))
    assert out.returncode == 2
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if '"nope"' in text)
    assert out.stdout.strip() == (
        f"{bad}:{line}: templates[0].situation: unknown situation 'nope'; use a standard "
        "situation id or define it under [[situations]]"
    )


def test_broken_user_pack_is_reported_and_the_rest_works(team_basedir: Path) -> None:
    (team_basedir / "data" / "packs" / "broken.tactful.toml").write_bytes(b"format = 1\n[pack\n")
    out = run(team_basedir, "list", "--pack", "acme.support")
    assert out.returncode == 0
    assert "broken.tactful.toml:2" in out.stderr
    assert "acme.support/points-missing" in out.stdout


def test_usage_errors_exit_2(basedir: Path) -> None:
    assert run(basedir, "search").returncode == 2
    assert run(basedir, "search", "--limit", "0", "x").returncode == 2
    assert run(basedir, "nonsense").returncode == 2


def _two_gift_templates(basedir: Path) -> None:
    """A pack with two equally good matches for "gift late", so usage decides."""
    (basedir / "data" / "packs" / "twins.tactful.toml").write_text(
        'format = 1\n[pack]\nid = "twins"\nname = "Twins"\nversion = "1.0.0"\n'
        '[[templates]]\nid = "alpha"\ntitle = "Zebra gift late"\nsituation = "missed_occasion"\n'
        'body = "Zebra reply."\n'
        '[[templates]]\nid = "beta"\ntitle = "Zebra gift late"\nsituation = "missed_occasion"\n'
        'body = "Zebra reply!"\n',
        encoding="utf-8",
    )


def _top(basedir: Path, *extra: str) -> str:
    out = run(basedir, "search", "--json", "--limit", "2", *extra, "zebra", "gift", "late")
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout)[0]["id"])


def test_render_records_a_use_that_lifts_search(team_basedir: Path) -> None:
    _two_gift_templates(team_basedir)
    assert _top(team_basedir) == "twins/alpha"
    assert not (team_basedir / "state" / "usage.sqlite3").exists()  # searching records nothing
    for _ in range(3):
        assert run(team_basedir, "render", "twins/beta").returncode == 0
    assert (team_basedir / "state" / "usage.sqlite3").exists()
    assert _top(team_basedir) == "twins/beta"
    assert _top(team_basedir, "--no-usage") == "twins/alpha"


def test_favourites_mark_list_unmark(team_basedir: Path) -> None:
    _two_gift_templates(team_basedir)
    assert run(team_basedir, "favourite").returncode == 1
    assert run(team_basedir, "favourite", "twins/beta").returncode == 0
    assert run(team_basedir, "favourite").stdout.split() == ["twins/beta"]
    assert _top(team_basedir) == "twins/beta"
    assert run(team_basedir, "favourite", "--remove", "twins/beta").returncode == 0
    assert _top(team_basedir) == "twins/alpha"
    unknown = run(team_basedir, "favourite", "twins/gamma")
    assert unknown.returncode == 2
    assert "no template with id" in unknown.stderr


def test_corrupt_usage_database_is_reported_and_kept(team_basedir: Path) -> None:
    _two_gift_templates(team_basedir)
    db = team_basedir / "state" / "usage.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    out = run(team_basedir, "search", "--json", "zebra", "gift")
    assert out.returncode == 0
    assert out.stderr.count("usage statistics") == 1
    assert json.loads(out.stdout)[0]["id"].startswith("twins/")
    assert db.read_bytes() == b"this is not a database" * 100
