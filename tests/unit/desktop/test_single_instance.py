from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tactful.desktop.single_instance import (
    InstanceProtocolError,
    Reply,
    SingleInstance,
    encode_command,
    encode_reply,
    parse_command,
    parse_reply,
    request,
    send_command,
    server_name,
)

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX socket paths")


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    return tmp_path / "rt"


@pytest.fixture
def pool() -> Any:
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield executor


@pytest.fixture
def forward(qtbot: QtBot, pool: Any) -> Callable[..., list[Any]]:
    """``forward(instance, runtime, cmd[, args])``: send from another thread, return what came."""

    def send(instance: SingleInstance, runtime: Path, *command: Any) -> list[Any]:
        with qtbot.waitSignal(instance.command_received, timeout=5000) as blocker:
            future = pool.submit(send_command, runtime, *command)
        assert future.result(timeout=5)
        return list(blocker.args or [])

    return send


def raw_exchange(path: str, payload: bytes) -> dict[str, Any]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(path)
        sock.sendall(payload)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return dict(json.loads(answer))


def test_messages_round_trip() -> None:
    line = encode_command("check", {"text": "Calm down."})
    assert line.endswith(b"\n")
    assert json.loads(line) == {"v": 1, "cmd": "check", "args": {"text": "Calm down."}}
    command = parse_command(line.strip())
    assert (command.cmd, command.args) == ("check", {"text": "Calm down."})
    assert parse_reply(encode_reply(Reply(True)).strip()) == Reply(True)
    assert parse_reply(encode_reply(Reply(False, "nope")).strip()) == Reply(False, "nope")
    assert not parse_reply(b"\xff garbage").ok


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"hello", "not UTF-8 JSON"),
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"v": 2, "cmd": "toggle"}', "unsupported protocol version 2"),
        (b'{"v": true, "cmd": "toggle"}', "unsupported protocol version True"),
        (b'{"cmd": "toggle"}', "unsupported protocol version None"),
        (b'{"v": 1, "cmd": "fly"}', "unknown command 'fly'"),
        (b'{"v": 1, "cmd": "show", "args": [1]}', "'args' must be a JSON object"),
    ],
)
def test_bad_messages_are_explained(line: bytes, message: str) -> None:
    with pytest.raises(InstanceProtocolError, match=message):
        parse_command(line)


def test_second_instance_forwards_to_the_first(
    runtime: Path, forward: Callable[..., list[Any]]
) -> None:
    first = SingleInstance(runtime)
    second = SingleInstance(runtime)
    try:
        assert first.try_become_primary()
        assert first.is_primary
        assert not second.try_become_primary()
        assert not second.is_primary

        query = {"query": "late parcel"}
        assert forward(first, runtime, "toggle", query) == ["toggle", query]
        assert forward(first, runtime, "quit") == ["quit", {}]
    finally:
        first.close()
        second.close()


def test_runtime_folder_and_socket_are_private(qtbot: QtBot, runtime: Path) -> None:
    runtime.mkdir(mode=0o755)
    runtime.chmod(0o755)
    instance = SingleInstance(runtime)
    try:
        assert instance.try_become_primary()
        assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
        sock = Path(instance.name)
        assert sock.parent == runtime.resolve()
        assert stat.S_ISSOCK(sock.stat().st_mode)
        assert stat.S_IMODE(sock.stat().st_mode) & 0o077 == 0
    finally:
        instance.close()
    assert not Path(instance.name).exists()


def test_garbage_and_unknown_versions_get_an_error_and_the_server_keeps_working(
    qtbot: QtBot, runtime: Path, pool: Any
) -> None:
    instance = SingleInstance(runtime)
    received: list[str] = []
    instance.command_received.connect(lambda cmd, args: received.append(cmd))
    try:
        assert instance.try_become_primary()
        cases = [
            (b"this is not json\n", "not UTF-8 JSON"),
            (b'{"v": 9, "cmd": "toggle"}\n', "unsupported protocol version 9"),
            (b'{"v": 1, "cmd": "format-disk"}\n', "unknown command 'format-disk'"),
        ]
        for payload, message in cases:
            future = pool.submit(raw_exchange, instance.name, payload)
            qtbot.waitUntil(future.done, timeout=5000)
            answer = future.result()
            assert answer["ok"] is False
            assert answer["v"] == 1
            assert message in answer["error"]

        future = pool.submit(request, runtime, "show")
        qtbot.waitUntil(future.done, timeout=5000)
        assert future.result() == Reply(True)
        qtbot.waitUntil(lambda: received == ["show"], timeout=5000)
    finally:
        instance.close()


def test_oversized_message_is_refused(qtbot: QtBot, runtime: Path, pool: Any) -> None:
    instance = SingleInstance(runtime)
    try:
        assert instance.try_become_primary()
        future = pool.submit(raw_exchange, instance.name, b"x" * (70 * 1024))
        qtbot.waitUntil(future.done, timeout=5000)
        assert "longer than" in future.result()["error"]
    finally:
        instance.close()


def test_no_running_instance(runtime: Path) -> None:
    assert request(runtime, "toggle") is None
    assert not send_command(runtime, "toggle", timeout_ms=200)


CRASHING_PRIMARY = """
import os, signal, sys
from PySide6.QtCore import QCoreApplication
from tactful.desktop.single_instance import SingleInstance
app = QCoreApplication([])
instance = SingleInstance(sys.argv[1])
assert instance.try_become_primary()
print("primary", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_stale_lock_and_socket_after_a_crash_are_recovered(
    runtime: Path, forward: Callable[..., list[Any]]
) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_PRIMARY, str(runtime)],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert proc.stdout == b"primary\n"
    name = server_name(runtime)
    assert Path(name).exists(), "the crashed instance should have left its socket behind"
    assert (runtime / "tactful.lock").exists()
    assert not send_command(runtime, "toggle", timeout_ms=200)

    instance = SingleInstance(runtime)
    try:
        assert instance.try_become_primary()
        assert forward(instance, runtime, "show") == ["show", {}]
    finally:
        instance.close()


def test_long_runtime_path_gets_a_short_private_socket(
    tmp_path: Path, forward: Callable[..., list[Any]]
) -> None:
    runtime = tmp_path / ("deep-" * 30) / "runtime"
    name = server_name(runtime)
    assert len(os.fsencode(name)) <= 100
    instance = SingleInstance(runtime)
    try:
        assert instance.try_become_primary()
        assert stat.S_IMODE(Path(name).parent.stat().st_mode) == 0o700
        assert forward(instance, runtime, "hide") == ["hide", {}]
    finally:
        instance.close()
