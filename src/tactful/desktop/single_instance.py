"""One running Tactful per user: a lock file decides, a local socket carries commands.

The first instance takes ``<runtime>/tactful.lock`` (``QLockFile``) and listens
on ``<runtime>/tactful.sock`` (``QLocalServer``, user-only access, directory
mode 0700). A later ``tactful`` or ``tactful toggle|show|hide|check|quit``
sends one line of JSON and gets one line back::

    -> {"v": 1, "cmd": "toggle", "args": {}}
    <- {"v": 1, "ok": true}
    <- {"v": 1, "ok": false, "error": "unknown command 'fly' (known: ...)"}

After a crash the lock file is stale (its process is gone); the next instance
takes it over and removes the dead socket before listening. :func:`send_command`
needs no ``QApplication``: on POSIX it uses the standard library's AF_UNIX
socket on the same path, elsewhere a blocking ``QLocalSocket``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from tactful.core.errors import TactfulError

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
COMMANDS = ("toggle", "show", "hide", "check", "quit")
"""Commands a running instance understands."""

MAX_MESSAGE_BYTES = 64 * 1024
CLIENT_IDLE_MS = 2000
SOCKET_NAME = "tactful.sock"
LOCK_NAME = "tactful.lock"
_MAX_SOCKET_PATH = 100  # sun_path holds 104 (macOS) to 108 (Linux) bytes


class InstanceProtocolError(TactfulError):
    """A message between instances is not valid; the text says what is wrong."""


@dataclass(frozen=True, slots=True)
class Reply:
    """The running instance's answer.

    Attributes:
        ok: Whether the command was accepted.
        error: Why not, when ``ok`` is false.
    """

    ok: bool
    error: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed request: one of :data:`COMMANDS` and its arguments."""

    cmd: str
    args: dict[str, Any] = field(default_factory=dict)


def encode_command(cmd: str, args: dict[str, Any] | None = None) -> bytes:
    """One line of JSON for ``cmd``."""
    message = {"v": PROTOCOL_VERSION, "cmd": cmd, "args": args or {}}
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def encode_reply(reply: Reply) -> bytes:
    """One line of JSON for ``reply``."""
    message: dict[str, Any] = {"v": PROTOCOL_VERSION, "ok": reply.ok}
    if not reply.ok:
        message["error"] = reply.error
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def parse_command(line: bytes) -> Command:
    """Parse one request line.

    Raises:
        InstanceProtocolError: Not UTF-8 JSON, not an object, another protocol
            version, an unknown command, or ``args`` that is not an object.
    """
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstanceProtocolError(f"message is not UTF-8 JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise InstanceProtocolError("message must be a JSON object with 'v' and 'cmd'")
    version = message.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise InstanceProtocolError(
            f"unsupported protocol version {version!r} (this Tactful speaks {PROTOCOL_VERSION})"
        )
    cmd = message.get("cmd")
    if cmd not in COMMANDS:
        raise InstanceProtocolError(f"unknown command {cmd!r} (known: {', '.join(COMMANDS)})")
    args = message.get("args", {})
    if not isinstance(args, dict):
        raise InstanceProtocolError(f"'args' must be a JSON object, not {type(args).__name__}")
    return Command(str(cmd), args)


def parse_reply(line: bytes) -> Reply:
    """Parse the running instance's answer; a malformed one is a failed :class:`Reply`."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Reply(False, f"the running Tactful answered something unreadable: {line[:80]!r}")
    if not isinstance(message, dict) or message.get("ok") is not True:
        error = message.get("error") if isinstance(message, dict) else None
        return Reply(False, str(error or "the running Tactful refused the command"))
    return Reply(True)


def server_name(runtime_dir: Path) -> str:
    """The ``QLocalServer`` name: a socket path on POSIX, a pipe name on Windows.

    The path is ``<runtime_dir>/tactful.sock`` when short enough for a Unix
    socket; otherwise a per-user folder in the temporary directory holds a
    socket named after a hash of ``runtime_dir``.
    """
    digest = hashlib.sha256(str(runtime_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    if sys.platform == "win32":
        return f"tactful-{os.environ.get('USERNAME', 'user')}-{digest}"
    path = runtime_dir.resolve() / SOCKET_NAME
    if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
        return str(path)
    short_dir = Path(tempfile.gettempdir()) / f"tactful-{os.getuid()}"
    return str(short_dir / f"{digest}.sock")


def _ensure_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if sys.platform != "win32":
        if path.stat().st_uid != os.getuid():
            raise TactfulError(f"{path} belongs to another user; refusing to put a socket there")
        path.chmod(0o700)


class SingleInstance(QObject):
    """Decides whether this process is the primary instance and serves its socket.

    Args:
        runtime_dir: The per-user runtime folder (``Paths.runtime``).
        parent: Qt parent.
    """

    command_received = Signal(str, dict)
    """Emitted on the GUI thread with a command and its arguments, after answering."""

    def __init__(self, runtime_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runtime_dir = Path(runtime_dir)
        self.name = server_name(self.runtime_dir)
        self._lock = QLockFile(str(self.runtime_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None
        self._sockets: set[QLocalSocket] = set()
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def is_primary(self) -> bool:
        """Whether this process holds the lock and serves the socket."""
        return self._server is not None

    def try_become_primary(self) -> bool:
        """Take the lock and listen; ``False`` when another live instance holds it.

        A lock left by a crashed instance is taken over and its dead socket removed.

        Raises:
            TactfulError: The runtime folder cannot be made private, or the
                socket cannot be opened for another reason than a running instance.
        """
        if self._server is not None:
            return True
        _ensure_private_dir(self.runtime_dir)
        if not self.name.startswith(str(self.runtime_dir.resolve())) and os.sep in self.name:
            _ensure_private_dir(Path(self.name).parent)
        if not self._lock.tryLock(0):
            log.info("another Tactful holds %s", self._lock.fileName())
            return False
        # We hold the lock, so whatever socket is there belongs to a dead instance.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            message = server.errorString()
            self._lock.unlock()
            raise TactfulError(f"cannot listen on {self.name}: {message}")
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        log.info("primary instance listening on %s", self.name)
        return True

    def close(self) -> None:
        """Stop listening, remove the socket and release the lock."""
        for sock in list(self._sockets):
            self._release(sock)
        if self._server is not None:
            self._server.newConnection.disconnect(self._on_new_connection)
            self._server.close()
            self._server.deleteLater()
            self._server = None
            QLocalServer.removeServer(self.name)
        if self._lock.isLocked():
            self._lock.unlock()

    # Socket signals go to slots of this object, not to lambdas: Qt drops a
    # receiver's connections before it deletes the receiver's children, so no
    # handler can run on a half-destroyed socket when the instance goes away.

    @Slot()
    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            # Not a child of the server: the server may go away (close) while
            # the socket's deferred deletion is still queued.
            sock.setParent(None)
            self._sockets.add(sock)
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(self._on_ready_read)
            sock.disconnected.connect(self._on_disconnected)
            QTimer.singleShot(CLIENT_IDLE_MS, sock, lambda s=sock: self._drop_idle(s))

    def _socket(self) -> QLocalSocket | None:
        sender = self.sender()
        return sender if isinstance(sender, QLocalSocket) else None

    @Slot()
    def _on_disconnected(self) -> None:
        sock = self._socket()
        if sock is not None:
            self._release(sock)

    def _release(self, sock: QLocalSocket) -> None:
        """Forget ``sock``, cut its connections to us and delete it later."""
        if sock not in self._sockets:
            return
        self._sockets.discard(sock)
        self._buffers.pop(sock, None)
        sock.readyRead.disconnect(self._on_ready_read)
        sock.disconnected.disconnect(self._on_disconnected)
        sock.abort()
        sock.deleteLater()

    def _drop_idle(self, sock: QLocalSocket) -> None:
        if sock in self._buffers:
            self._answer(sock, Reply(False, "no complete message within 2 seconds"))

    def _answer(self, sock: QLocalSocket, reply: Reply) -> None:
        self._buffers.pop(sock, None)
        sock.write(encode_reply(reply))
        sock.flush()
        sock.disconnectFromServer()

    @Slot()
    def _on_ready_read(self) -> None:
        sock = self._socket()
        buffer = self._buffers.get(sock) if sock is not None else None
        if sock is None or buffer is None:
            return
        buffer += bytes(sock.readAll().data())
        newline = buffer.find(b"\n")
        if newline < 0:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._answer(sock, Reply(False, f"message longer than {MAX_MESSAGE_BYTES} bytes"))
            return
        line = bytes(buffer[:newline])
        try:
            command = parse_command(line)
        except InstanceProtocolError as exc:
            log.warning("bad message from another process: %s", exc)
            self._answer(sock, Reply(False, str(exc)))
            return
        self._answer(sock, Reply(True))
        log.info("command from another process: %s", command.cmd)
        self.command_received.emit(command.cmd, command.args)


def request(
    runtime_dir: Path, cmd: str, args: dict[str, Any] | None = None, timeout_ms: int = 1000
) -> Reply | None:
    """Send ``cmd`` to the running instance and return its answer.

    Returns:
        The reply, or ``None`` when no instance is listening (or it did not
        answer within ``timeout_ms``).
    """
    name = server_name(Path(runtime_dir))
    payload = encode_command(cmd, args)
    if sys.platform == "win32":
        return _request_qt(name, payload, timeout_ms)
    return _request_posix(name, payload, timeout_ms)


def _request_posix(path: str, payload: bytes, timeout_ms: int) -> Reply | None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_ms / 1000)
        try:
            sock.connect(path)
            sock.sendall(payload)
            answer = bytearray()
            while b"\n" not in answer and len(answer) <= MAX_MESSAGE_BYTES:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (FileNotFoundError, ConnectionRefusedError):
            return None
        except OSError as exc:
            log.warning("talking to the running Tactful failed: %s", exc)
            return None
    if not answer:
        return None
    return parse_reply(bytes(answer).split(b"\n", 1)[0])


def _request_qt(name: str, payload: bytes, timeout_ms: int) -> Reply | None:
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return None
    sock.write(payload)
    sock.waitForBytesWritten(timeout_ms)
    answer = bytearray()
    while b"\n" not in answer and sock.waitForReadyRead(timeout_ms):
        answer += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    if not answer:
        return None
    return parse_reply(bytes(answer).split(b"\n", 1)[0])


def send_command(
    runtime_dir: Path, cmd: str, args: dict[str, Any] | None = None, timeout_ms: int = 1000
) -> bool:
    """Send ``cmd`` to the running instance; ``True`` when it accepted it.

    Works without a ``QApplication`` (from the command line). ``False`` means
    no instance answered, or it refused (the reason is logged; use
    :func:`request` to get it).
    """
    reply = request(runtime_dir, cmd, args, timeout_ms)
    if reply is not None and not reply.ok:
        log.warning("the running Tactful refused %r: %s", cmd, reply.error)
    return reply is not None and reply.ok
