"""The D-Bus wire format: messages marshalled to bytes and back.

Little-endian marshalling of the types the desktop portals use (``y b n q i
u x t d s o g v``, arrays, dictionaries and structures), the message header
with its fields, and the length of a message from its first 16 bytes. Used by
:mod:`tactful.desktop.dbus_wire`, which owns the connection.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from tactful.core.errors import TactfulError

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
