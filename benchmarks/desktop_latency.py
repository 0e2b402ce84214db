"""How quickly the desktop layer answers: the X11 hotkey and the single-instance socket.

* X11 hotkey, key press to callback: under a private Xvfb, a child process
  runs a ``QApplication`` and :class:`tactful.desktop.hotkey_x11.X11Hotkey`
  grabbing Ctrl+Alt+Space; one long-lived ``xdotool -`` presses the key
  (``key --delay 0``), and the time runs from writing that line to xdotool
  until the callback runs on the GUI thread (reader thread, queued signal).
  Baselines in the same run: a bare X round trip (python-xlib
  ``display.sync()``), and the same xdotool press of another key reaching a
  bare python-xlib client that grabbed it (no Qt, no threads), which is
  the floor for the whole path.
* Single instance, ``send_command`` round trip: a child process serves
  :class:`tactful.desktop.single_instance.SingleInstance` in its event loop
  and this process times :func:`~tactful.desktop.single_instance.send_command`
  (connect, one JSON line each way, close). Baseline: the same connect, send,
  answer and close against a plain AF_UNIX echo server in another child
  process (no Qt, no JSON parsing).

Presses and round trips alternate with their baselines so both see the same
machine. It prints p50/p95 in milliseconds and the ratio to the baseline; the
X11 part is skipped with a message where Xvfb or xdotool is missing. Run:
``.venv/bin/python benchmarks/desktop_latency.py [--presses N] [--round-trips N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))  # xsession: the private X server, as the tests start it

import xsession  # noqa: E402

HOTKEY = "Ctrl+Alt+Space"
HOTKEY_XDOTOOL = "ctrl+alt+space"
BARE_KEY = "F9"
WARMUP = 5
PRESS_GAP_S = 0.02
"""Pause between presses, so xdotool's key release is done before the next press."""
MISS_TIMEOUT_MS = 1000
ECHO_REPLY = b'{"v": 1, "ok": true}\n'


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --- children ----------------------------------------------------------------------


def serve_instance(runtime: Path) -> int:
    """Child: be the running Tactful's single-instance server until told to quit."""
    from PySide6.QtCore import QCoreApplication

    from tactful.desktop.single_instance import SingleInstance

    app = QCoreApplication(["tactful-bench"])
    instance = SingleInstance(runtime)
    if not instance.try_become_primary():
        print("another instance holds the lock", flush=True)
        return 1
    instance.command_received.connect(lambda cmd, _args: app.quit() if cmd == "quit" else None)
    print("ready", flush=True)
    app.exec()
    instance.close()
    return 0


def _read_line(sock: socket.socket) -> bytes:
    """What ``sock`` sends up to its first newline, or until it closes."""
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve_echo(path: str) -> int:
    """Child: answer each connection's first line with a fixed reply, like the instance does."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(16)
        print("ready", flush=True)
        while True:
            conn, _ = server.accept()
            with conn:
                if _read_line(conn).startswith(b"quit"):
                    return 0
                conn.sendall(ECHO_REPLY)


def measure_x11(presses: int) -> dict[str, list[float]]:
    """Child (DISPLAY set): the hotkey path, the bare-client floor and X round trips, in ms."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from Xlib import XK, X, display

    from tactful.desktop.hotkey_x11 import X11Hotkey

    app = QApplication(["tactful-bench"])
    hotkey = X11Hotkey.create(os.environ)
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    called: list[float] = []
    wrong_thread: list[str] = []

    def on_press() -> None:
        called.append(time.perf_counter())
        if threading.current_thread() is not threading.main_thread():
            wrong_thread.append(threading.current_thread().name)
        loop.quit()

    hotkey.register(HOTKEY, on_press)

    bare = display.Display()
    root = bare.screen().root
    bare_code = bare.keysym_to_keycode(XK.string_to_keysym(BARE_KEY))
    root.grab_key(bare_code, X.AnyModifier, True, X.GrabModeAsync, X.GrabModeAsync)
    bare.sync()

    xdotool = subprocess.Popen(
        [shutil.which("xdotool") or "xdotool", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert xdotool.stdin is not None

    def press(key: str) -> float:
        assert xdotool.stdin is not None
        start = time.perf_counter()
        xdotool.stdin.write(f"key --delay 0 {key}\n".encode())
        xdotool.stdin.flush()
        return start

    def bare_press() -> float | None:
        start = press(BARE_KEY)
        deadline = start + MISS_TIMEOUT_MS / 1000
        while time.perf_counter() < deadline:
            while bare.pending_events():
                event = bare.next_event()
                if event.type == X.KeyPress and event.detail == bare_code:
                    return (time.perf_counter() - start) * 1000
            select.select([bare.fileno()], [], [], 0.05)
        return None

    def hotkey_press() -> float | None:
        called.clear()
        start = press(HOTKEY_XDOTOOL)
        timer.start(MISS_TIMEOUT_MS)
        loop.exec()
        timer.stop()
        return (called[0] - start) * 1000 if called else None

    def settle() -> None:
        end = time.perf_counter() + PRESS_GAP_S
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)
        while bare.pending_events():  # the bare key's release
            bare.next_event()

    results: dict[str, list[float]] = {"hotkey": [], "bare": [], "sync": []}
    missed = {"hotkey": 0, "bare": 0}
    for rep in range(presses + WARMUP):
        started = time.perf_counter()
        bare.sync()
        sync_ms = (time.perf_counter() - started) * 1000
        settle()
        hotkey_ms = hotkey_press()
        settle()
        bare_ms = bare_press()
        settle()
        if rep < WARMUP:
            continue
        results["sync"].append(sync_ms)
        for name, value in (("hotkey", hotkey_ms), ("bare", bare_ms)):
            if value is None:
                missed[name] += 1
            else:
                results[name].append(value)

    xdotool.stdin.close()
    xdotool.wait(timeout=5)
    hotkey.close()
    bare.close()
    app.processEvents()
    if wrong_thread:
        raise SystemExit(f"callbacks ran on {sorted(set(wrong_thread))}, not the GUI thread")
    results["missed"] = [float(missed["hotkey"]), float(missed["bare"])]
    return results


# --- the parent ----------------------------------------------------------------------


def _start_child(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != "ready":
        child.kill()
        raise SystemExit(f"benchmark child {args[:2]} did not start: {line!r}")
    return child


def _echo_round_trip(path: str, payload: bytes) -> float:
    start = time.perf_counter()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        sock.sendall(payload)
        answer = _read_line(sock)
    if answer != ECHO_REPLY:
        raise SystemExit(f"the echo server answered {answer!r}")
    return (time.perf_counter() - start) * 1000


def measure_instance(round_trips: int) -> dict[str, list[float]]:
    """``send_command`` to a serving child process, alternating with the raw echo baseline."""
    from tactful.desktop.single_instance import encode_command, send_command, server_name

    work = Path(tempfile.mkdtemp(prefix="tactful-bench-"))
    runtime = work / "runtime"
    runtime.mkdir(mode=0o700)
    echo_path = str(work / "echo.sock")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    server = _start_child(["--child", "instance", "--runtime", str(runtime)], env)
    echo = _start_child(["--child", "echo", "--path", echo_path], env)
    payload = encode_command("show")
    results: dict[str, list[float]] = {"send_command": [], "echo": []}
    try:
        for rep in range(round_trips + WARMUP):
            start = time.perf_counter()
            if not send_command(runtime, "show"):
                raise SystemExit(f"the instance at {server_name(runtime)} did not accept 'show'")
            command_ms = (time.perf_counter() - start) * 1000
            echo_ms = _echo_round_trip(echo_path, payload)
            if rep >= WARMUP:
                results["send_command"].append(command_ms)
                results["echo"].append(echo_ms)
    finally:
        send_command(runtime, "quit")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(echo_path)
            sock.sendall(b"quit\n")
        for child in (server, echo):
            child.wait(timeout=10)
            if child.stdout is not None:
                child.stdout.close()
        shutil.rmtree(work, ignore_errors=True)
    return results


def run_x11(presses: int) -> dict[str, list[float]] | str:
    """The X11 figures from a child under a private Xvfb, or why they were skipped."""
    try:
        xsession.find_tool("xdotool")
        with xsession.x_session(window_manager=False) as x:
            env = x.env(QT_QPA_PLATFORM="xcb")
            command = [sys.executable, str(Path(__file__).resolve()), "--child", "x11"]
            out = subprocess.run(
                [*command, "--presses", str(presses)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
    except xsession.XSessionError as exc:
        return str(exc)
    if out.returncode != 0:
        raise SystemExit(f"the X11 benchmark child failed:\n{out.stderr[-3000:]}")
    result: dict[str, list[float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _row(label: str, values: list[float], base: list[float] | None) -> str:
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    text = f"  {label:<44} p50 {p50:7.3f} ms  p95 {p95:7.3f} ms"
    if base is not None:
        b50, b95 = percentile(base, 0.5), percentile(base, 0.95)
        text += f"   x{p50 / b50:6.1f} / x{p95 / b95:6.1f} of baseline"
    else:
        text += "   (baseline)"
    return f"{text}   n={len(values)}"


def main() -> int:
    """Measure both paths and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("instance", "echo", "x11"), help=argparse.SUPPRESS)
    parser.add_argument("--runtime", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--presses", type=int, default=200, help="hotkey presses (default 200)")
    parser.add_argument(
        "--round-trips", type=int, default=500, help="send_command round trips (default 500)"
    )
    args = parser.parse_args()
    if args.child == "instance":
        return serve_instance(Path(args.runtime))
    if args.child == "echo":
        return serve_echo(args.path)
    if args.child == "x11":
        print(json.dumps(measure_x11(args.presses)))
        return 0

    print(f"desktop latency: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print("\n== single instance: tactful toggle|show to the running app ==")
    if sys.platform == "win32":
        print("  skipped: the AF_UNIX echo baseline needs a POSIX system")
    else:
        instance = measure_instance(args.round_trips)
        print(_row("raw AF_UNIX connect + echo + close", instance["echo"], None))
        print(_row("send_command('show') round trip", instance["send_command"], instance["echo"]))

    print("\n== X11 hotkey under Xvfb: xdotool key press to callback ==")
    x11 = run_x11(args.presses)
    if isinstance(x11, str):
        print(f"  skipped: {x11}")
        return 0
    print(_row("X round trip (display.sync())", x11["sync"], None))
    print(_row("press -> bare python-xlib client (no Qt)", x11["bare"], x11["sync"]))
    print(_row("press -> X11Hotkey callback on GUI thread", x11["hotkey"], x11["sync"]))
    print(
        f"  the hotkey path over the bare client: p50 x"
        f"{percentile(x11['hotkey'], 0.5) / percentile(x11['bare'], 0.5):.1f}, "
        f"+{percentile(x11['hotkey'], 0.5) - percentile(x11['bare'], 0.5):.3f} ms"
    )
    hotkey_misses, bare_misses = (int(n) for n in x11["missed"])
    if hotkey_misses or bare_misses:
        print(
            f"  missed within {MISS_TIMEOUT_MS} ms (not counted): hotkey {hotkey_misses}, "
            f"bare client {bare_misses}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
