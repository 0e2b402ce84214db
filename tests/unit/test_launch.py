from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tactful.desktop.single_instance import send_command
from tactful.launch import control_app, display_problem, start_command
from tactful.paths import Paths

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def paths(basedir: Path) -> Paths:
    paths = Paths.for_basedir(basedir)
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    return paths


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(PROJECT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_start_command_keeps_the_base_directory(tmp_path: Path) -> None:
    command = start_command(str(tmp_path / "b" / ".." / "base"))
    assert command[:3] == [sys.executable, "-m", "tactful"]
    assert command[3:] == ["--basedir", str((tmp_path / "base").resolve())]
    assert start_command(None) == [sys.executable, "-m", "tactful"]


@pytest.mark.parametrize(
    ("env", "platform", "ok"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_problem(env: dict[str, str], platform: str, ok: bool) -> None:
    problem = display_problem(env, platform)
    assert (problem is None) is ok
    if not ok:
        assert "DISPLAY" in (problem or "")


def test_hide_without_a_running_app_starts_nothing(paths: Paths) -> None:
    started: list[list[str]] = []

    def spawn(command: list[str]) -> subprocess.Popen[bytes]:
        started.append(command)
        raise AssertionError("hide must not start the app")

    assert control_app(paths, "hide", spawn=spawn) == 0
    assert started == []


def test_toggle_without_a_running_app_starts_it_and_then_toggles(paths: Paths) -> None:
    base = str(paths.config.parent)
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(command: list[str]) -> subprocess.Popen[bytes]:
        assert command == start_command(base)
        proc = subprocess.Popen(command, env=_child_env())
        procs.append(proc)
        return proc

    try:
        assert control_app(paths, "toggle", basedir=base, spawn=spawn, timeout=60) == 0
        assert len(procs) == 1
        assert procs[0].poll() is None
        deadline = time.monotonic() + 10
        while "command from another process: toggle" not in paths.log_file.read_text("utf-8"):
            assert time.monotonic() < deadline, "the started app never logged the toggle"
            time.sleep(0.05)
        assert send_command(paths.runtime, "quit")
        assert procs[0].wait(timeout=30) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
