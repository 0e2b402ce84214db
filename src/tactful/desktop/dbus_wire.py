"""A small D-Bus client for the session bus, driven by the Qt event loop.

The GlobalShortcuts portal takes its shortcuts as ``a(sa{sv})``, an array of
structures. PySide6's QtDBus cannot marshal that from Python (an array of
structures needs a C++ type registered with ``qDBusRegisterMetaType``), and a
portal session belongs to the bus connection that created it, so every call
must go through one connection that can. This module is that connection: the
D-Bus wire format (little-endian, protocol version 1) for the types the portal
uses, ``EXTERNAL`` authentication over a Unix socket, method calls with
replies delivered to callbacks, and signal subscriptions. A
``QSocketNotifier`` reads the socket on the GUI thread; nothing blocks except
:meth:`BusConnection.call_blocking`, which start-up uses with a short timeout.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import struct
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tactful.core.errors import TactfulError

log = logging.getLogger(__name__)

METHOD_CALL, METHOD_RETURN, ERROR, SIGNAL = 1, 2, 3, 4
NO_REPLY_EXPECTED = 0x1
_FIELD_CODES = {
    "path": (1, "o"),
    "interface": (2, "s"),
    "member": (3, "s"),
    "error_name": (4, "s"),
    "reply_serial": (5, "u"),
    "destination": (6, "s"),
    "sender": (7, "s"),
    "signature": (8, "g"),
}
_FIELD_NAMES = {code: name for name, (code, _) in _FIELD_CODES.items()}
_FIXED = {"y": "B", "b": "I", "n": "h", "q": "H", "i": "i", "u": "I", "x": "q", "t": "Q", "d": "d"}
_ALIGN = {"y": 1, "b": 4, "n": 2, "q": 2, "i": 4, "u": 4, "x": 8, "t": 8, "d": 8, "h": 4}
_ALIGN |= {"s": 4, "o": 4, "g": 1, "a": 4, "(": 8, "{": 8, "v": 1}
MAX_MESSAGE = 64 * 1024 * 1024


class DBusError(TactfulError):
    """The bus cannot be reached, a message is malformed, or a call failed.

    Attributes:
        name: The D-Bus error name when the peer sent one (``org.freedesktop.DBus.Error...``).
    """

    def __init__(self, message: str, name: str = "") -> None:
        self.name = name
        super().__init__(f"{name}: {message}" if name else message)


@dataclass(frozen=True, slots=True)
class Variant:
    """A value with its D-Bus type, for ``v`` arguments: ``Variant("s", "text")``."""

    signature: str
    value: Any


@dataclass(frozen=True, slots=True)
class ObjectPath:
    """A D-Bus object path value (type ``o``), to tell it apart from a string."""

    path: str


@dataclass
class Message:
    """One D-Bus message.

    Attributes:
        type: :data:`METHOD_CALL`, :data:`METHOD_RETURN`, :data:`ERROR` or :data:`SIGNAL`.
        fields: Header fields by name (``path``, ``interface``, ``member``, ...).
        signature: The body's signature.
        body: The body values, unmarshalled (variants unwrapped, paths as ``str``).
        serial: The message serial.
        flags: Header flags.
    """

    type: int
    fields: dict[str, Any] = field(default_factory=dict)
    signature: str = ""
    body: list[Any] = field(default_factory=list)
    serial: int = 0
    flags: int = 0


def split_signature(signature: str) -> list[str]:
    """Split a signature into its single complete types."""
    types: list[str] = []
    i = 0
    while i < len(signature):
        end = _complete_type_end(signature, i)
        types.append(signature[i:end])
        i = end
    return types


def _complete_type_end(sig: str, i: int) -> int:
    c = sig[i]
    if c == "a":
        return _complete_type_end(sig, i + 1)
    if c in "({":
        close = ")" if c == "(" else "}"
        depth, j = 0, i
        while j < len(sig):
            if sig[j] in "({":
                depth += 1
            elif sig[j] in ")}":
                depth -= 1
                if depth == 0:
                    if sig[j] != close:
                        break
                    return j + 1
            j += 1
        raise DBusError(f"unbalanced signature {sig!r}")
    if c in _ALIGN:
        return i + 1
    raise DBusError(f"unsupported type {c!r} in signature {sig!r}")


def _guess_signature(value: Any) -> str:
    if isinstance(value, Variant):
        return "v"
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "u" if value >= 0 else "i"
    if isinstance(value, ObjectPath):
        return "o"
    if isinstance(value, str):
        return "s"
    raise DBusError(f"cannot tell the D-Bus type of {value!r}; wrap it in Variant")


class _Writer:
    def __init__(self) -> None:
        self.buf = bytearray()

    def pad(self, align: int) -> None:
        self.buf += b"\0" * (-len(self.buf) % align)

    def write(self, sig: str, value: Any) -> None:
        c = sig[0]
        self.pad(_ALIGN[c])
        if c in _FIXED:
            self.buf += struct.pack("<" + _FIXED[c], int(value) if c != "d" else float(value))
        elif c in "so":
            text = value.path if isinstance(value, ObjectPath) else str(value)
            data = text.encode("utf-8")
            self.buf += struct.pack("<I", len(data)) + data + b"\0"
        elif c == "g":
            data = str(value).encode("ascii")
            self.buf += bytes([len(data)]) + data + b"\0"
        elif c == "v":
            variant = (
                value if isinstance(value, Variant) else Variant(_guess_signature(value), value)
            )
            self.write("g", variant.signature)
            self.write(variant.signature, variant.value)
        elif c == "a":
            self._write_array(sig[1:], value)
        elif c == "(":
            for item_sig, item in zip(split_signature(sig[1:-1]), value, strict=True):
                self.write(item_sig, item)
        else:
            raise DBusError(f"cannot marshal type {sig!r}")

    def _write_array(self, elem: str, value: Any) -> None:
        length_at = len(self.buf)
        self.buf += b"\0\0\0\0"
        self.pad(_ALIGN[elem[0]])
        start = len(self.buf)
        if elem[0] == "{":
            key_sig, value_sig = split_signature(elem[1:-1])
            for key, item in dict(value).items():
                self.pad(8)
                self.write(key_sig, key)
                self.write(value_sig, item)
        else:
            for item in value:
                self.write(elem, item)
        struct.pack_into("<I", self.buf, length_at, len(self.buf) - start)


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def align(self, align: int) -> None:
        self.pos += -self.pos % align

    def read(self, sig: str) -> Any:
        c = sig[0]
        self.align(_ALIGN[c])
        if c in _FIXED:
            fmt = "<" + _FIXED[c]
            (value,) = struct.unpack_from(fmt, self.data, self.pos)
            self.pos += struct.calcsize(fmt)
            return bool(value) if c == "b" else value
        if c in "so":
            (length,) = struct.unpack_from("<I", self.data, self.pos)
            start = self.pos + 4
            self.pos = start + length + 1
            return self.data[start : start + length].decode("utf-8", "replace")
        if c == "g":
            length = self.data[self.pos]
            start = self.pos + 1
            self.pos = start + length + 1
            return self.data[start : start + length].decode("ascii", "replace")
        if c == "v":
            inner = self.read("g")
            return self.read(inner)
        if c == "a":
            return self._read_array(sig[1:])
        if c == "(":
            return tuple(self.read(s) for s in split_signature(sig[1:-1]))
        raise DBusError(f"cannot unmarshal type {sig!r}")

    def _read_array(self, elem: str) -> Any:
        (length,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        self.align(_ALIGN[elem[0]])
        end = self.pos + length
        if elem[0] == "{":
            key_sig, value_sig = split_signature(elem[1:-1])
            result: dict[Any, Any] = {}
            while self.pos < end:
                self.align(8)
                key = self.read(key_sig)
                result[key] = self.read(value_sig)
            return result
        items = []
        while self.pos < end:
            items.append(self.read(elem))
        return items


def encode_message(message: Message) -> bytes:
    """Marshal ``message`` (little-endian)."""
    body = _Writer()
    for sig, value in zip(split_signature(message.signature), message.body, strict=True):
        body.write(sig, value)
    fields = dict(message.fields)
    if message.signature:
        fields["signature"] = message.signature
    header_fields = [
        (_FIELD_CODES[name][0], Variant(_FIELD_CODES[name][1], value))
        for name, value in fields.items()
    ]
    header = _Writer()
    header.buf += struct.pack(
        "<BBBBII", ord("l"), message.type, message.flags, 1, len(body.buf), message.serial
    )
    header.write("a(yv)", header_fields)
    header.pad(8)
    return bytes(header.buf + body.buf)


def message_length(data: bytes) -> int | None:
    """The total length of the message at the start of ``data``, once its header is in."""
    if len(data) < 16:
        return None
    endian = "<" if data[0:1] == b"l" else ">"
    body_len, _serial, fields_len = struct.unpack_from(endian + "III", data, 4)
    header_len = 16 + fields_len
    header_len += -header_len % 8
    total = header_len + body_len
    if total > MAX_MESSAGE:
        raise DBusError(f"message of {total} bytes is over the limit")
    return int(total)


def decode_message(data: bytes) -> Message:
    """Unmarshal one complete little-endian message."""
    if data[0:1] != b"l":
        raise DBusError("big-endian D-Bus messages are not supported")
    _e, mtype, flags, _v, body_len, serial = struct.unpack_from("<BBBBII", data, 0)
    reader = _Reader(data, 12)
    raw_fields = reader.read("a(yv)")
    fields = {_FIELD_NAMES[code]: value for code, value in raw_fields if code in _FIELD_NAMES}
    reader.align(8)
    signature = str(fields.pop("signature", ""))
    body_reader = _Reader(data[reader.pos : reader.pos + body_len])
    body = [body_reader.read(sig) for sig in split_signature(signature)]
    return Message(mtype, fields, signature, body, serial, flags)


def session_bus_address(env: Mapping[str, str]) -> str:
    """The session bus socket path (NUL-prefixed for abstract sockets) from the environment.

    Raises:
        DBusError: No usable ``unix:`` address is given or implied.
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    for entry in filter(None, address.split(";")):
        transport, _, params = entry.partition(":")
        if transport != "unix":
            continue
        pairs = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if "path" in pairs:
            return _unescape(pairs["path"])
        if "abstract" in pairs:
            return "\0" + _unescape(pairs["abstract"])
    runtime = env.get("XDG_RUNTIME_DIR")
    if not address and runtime and os.path.exists(os.path.join(runtime, "bus")):
        return os.path.join(runtime, "bus")
    raise DBusError(f"no session bus: DBUS_SESSION_BUS_ADDRESS is {address or 'not set'!r}")


def _unescape(value: str) -> str:
    """Undo the ``%XX`` escaping of D-Bus address values."""
    return urllib.parse.unquote(value)


ReplyHandler = Callable[[Message], None]
SignalHandler = Callable[[Message], None]


class BusConnection:
    """One authenticated connection to the session bus.

    Args:
        env: Where to find ``DBUS_SESSION_BUS_ADDRESS``.
        timeout: Seconds allowed for connecting and saying hello.

    Raises:
        DBusError: The bus cannot be reached or refuses us.
    """

    def __init__(self, env: Mapping[str, str], timeout: float = 2.0) -> None:
        address = session_bus_address(env)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(address)
            self._authenticate()
        except OSError as exc:
            self._sock.close()
            raise DBusError(f"cannot connect to the session bus: {exc}") from exc
        self._sock.setblocking(False)
        self._buffer = bytearray()
        self._serial = 0
        self._pending: dict[int, ReplyHandler] = {}
        self._signals: list[tuple[dict[str, str], SignalHandler]] = []
        self._methods: dict[tuple[str, str], Callable[[Message], None]] = {}
        self._notifier: Any = None
        try:
            hello = self.call_blocking(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "Hello",
                timeout=timeout,
            )
        except DBusError:
            self._sock.close()
            raise
        self.unique_name = str(hello.body[0])

    def _authenticate(self) -> None:
        self._sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
        answer = b""
        while not answer.endswith(b"\r\n"):
            chunk = self._sock.recv(256)
            if not chunk:
                raise OSError("the bus closed the connection during authentication")
            answer += chunk
        if not answer.startswith(b"OK "):
            raise OSError(f"the bus refused EXTERNAL authentication: {answer.strip()!r}")
        self._sock.sendall(b"BEGIN\r\n")

    def attach_to_qt(self) -> None:
        """Read the socket from the Qt event loop from now on (call on the GUI thread)."""
        from PySide6.QtCore import QSocketNotifier

        if self._notifier is None:
            self._notifier = QSocketNotifier(self._sock.fileno(), QSocketNotifier.Type.Read)
            self._notifier.activated.connect(lambda *_: self.process_input())

    def close(self) -> None:
        """Close the connection; pending calls are dropped."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        self._pending.clear()
        self._sock.close()

    def send(self, message: Message) -> int:
        """Send ``message`` with a new serial and return the serial."""
        self._serial += 1
        message.serial = self._serial
        data = encode_message(message)
        self._sock.setblocking(True)
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise DBusError(f"the session bus connection failed: {exc}") from exc
        finally:
            self._sock.setblocking(False)
        return message.serial

    def call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        on_reply: ReplyHandler | None = None,
    ) -> int:
        """Call a method; ``on_reply`` gets the return or error message later."""
        message = Message(
            METHOD_CALL,
            {
                "path": ObjectPath(path),
                "interface": interface,
                "member": member,
                "destination": destination,
            },
            signature,
            list(body or []),
            flags=0 if on_reply else NO_REPLY_EXPECTED,
        )
        serial = self.send(message)
        if on_reply is not None:
            self._pending[serial] = on_reply
        return serial

    def call_blocking(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        timeout: float = 2.0,
    ) -> Message:
        """Call a method and wait at most ``timeout`` seconds for its reply.

        Raises:
            DBusError: The call failed, or no reply came in time.
        """
        replies: list[Message] = []
        self.call(destination, path, interface, member, signature, body, replies.append)
        deadline = time.monotonic() + timeout
        while not replies:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DBusError(f"no answer to {interface}.{member} within {timeout:.0f} s")
            ready, _, _ = select.select([self._sock], [], [], left)
            if ready:
                self.process_input()
        reply = replies[0]
        if reply.type == ERROR:
            detail = str(reply.body[0]) if reply.body else ""
            raise DBusError(detail, str(reply.fields.get("error_name", "")))
        return reply

    def add_match(self, **rule: str) -> None:
        """Ask the bus to route matching signals to us (``type='signal'`` is implied)."""
        text = ",".join(["type='signal'"] + [f"{k}='{v}'" for k, v in rule.items()])
        self.call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "AddMatch",
            "s",
            [text],
        )

    def on_signal(self, handler: SignalHandler, **match: str) -> None:
        """Call ``handler`` for signals whose header fields equal ``match`` (and add the match)."""
        self._signals.append((match, handler))
        self.add_match(**match)

    def on_method(self, interface: str, member: str, handler: Callable[[Message], None]) -> None:
        """Handle incoming calls of ``interface.member`` (used by test services)."""
        self._methods[(interface, member)] = handler

    def reply(self, call: Message, signature: str = "", body: list[Any] | None = None) -> None:
        """Answer an incoming method call."""
        fields: dict[str, Any] = {"reply_serial": call.serial}
        if "sender" in call.fields:
            fields["destination"] = call.fields["sender"]
        self.send(Message(METHOD_RETURN, fields, signature, list(body or [])))

    def emit(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        destination: str | None = None,
    ) -> None:
        """Emit a signal (optionally to one destination)."""
        fields: dict[str, Any] = {"path": ObjectPath(path), "interface": interface}
        fields["member"] = member
        if destination:
            fields["destination"] = destination
        self.send(Message(SIGNAL, fields, signature, list(body or [])))

    def process_input(self) -> None:
        """Read what the socket has and dispatch every complete message."""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                log.warning("session bus connection failed: %s", exc)
                self._disable()
                return
            if not chunk:
                log.warning("the session bus closed the connection")
                self._disable()
                return
            self._buffer += chunk
        while True:
            length = message_length(bytes(self._buffer[:16]))
            if length is None or len(self._buffer) < length:
                return
            data = bytes(self._buffer[:length])
            del self._buffer[:length]
            try:
                self._dispatch(decode_message(data))
            except DBusError as exc:
                log.warning("dropped a D-Bus message: %s", exc)
            except Exception:
                log.exception("a D-Bus handler failed")

    def _disable(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)

    def _dispatch(self, message: Message) -> None:
        if message.type in (METHOD_RETURN, ERROR):
            handler = self._pending.pop(int(message.fields.get("reply_serial", -1)), None)
            if handler is not None:
                handler(message)
        elif message.type == SIGNAL:
            for match, on_signal in list(self._signals):
                if all(message.fields.get(k) == v for k, v in match.items()):
                    on_signal(message)
        elif message.type == METHOD_CALL:
            key = (str(message.fields.get("interface", "")), str(message.fields.get("member")))
            method = self._methods.get(key)
            if method is not None:
                method(message)
            elif not message.flags & NO_REPLY_EXPECTED:
                fields: dict[str, Any] = {
                    "reply_serial": message.serial,
                    "error_name": "org.freedesktop.DBus.Error.UnknownMethod",
                }
                if "sender" in message.fields:
                    fields["destination"] = message.fields["sender"]
                self.send(Message(ERROR, fields, "s", [f"no method {key[0]}.{key[1]}"]))
