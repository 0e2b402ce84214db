from __future__ import annotations

import struct

import pytest

from tactful.desktop.dbus_marshal import (
    METHOD_CALL,
    SIGNAL,
    DBusError,
    Message,
    ObjectPath,
    Variant,
    decode_message,
    encode_message,
    message_length,
    split_signature,
)
from tactful.desktop.dbus_wire import session_bus_address


def test_split_signature() -> None:
    assert split_signature("oa(sa{sv})sa{sv}") == ["o", "a(sa{sv})", "s", "a{sv}"]
    assert split_signature("") == []
    with pytest.raises(DBusError, match="unbalanced"):
        split_signature("(sa{sv}")
    with pytest.raises(DBusError, match="unsupported type"):
        split_signature("sz")


def test_portal_call_round_trips() -> None:
    shortcuts = [("toggle-popup", {"description": Variant("s", "Open"), "n": Variant("u", 7)})]
    body = [ObjectPath("/a/b"), shortcuts, "", {"handle_token": "t1", "flag": True}]
    message = Message(
        METHOD_CALL,
        {"path": ObjectPath("/p"), "member": "BindShortcuts", "destination": "x.y"},
        "oa(sa{sv})sa{sv}",
        body,
        serial=5,
    )
    data = encode_message(message)
    assert message_length(data[:16]) == len(data)
    decoded = decode_message(data)
    assert decoded.type == METHOD_CALL
    assert decoded.serial == 5
    assert decoded.fields == {"path": "/p", "member": "BindShortcuts", "destination": "x.y"}
    assert decoded.signature == "oa(sa{sv})sa{sv}"
    assert decoded.body == [
        "/a/b",
        [("toggle-popup", {"description": "Open", "n": 7})],
        "",
        {"handle_token": "t1", "flag": True},
    ]


def test_fixed_types_and_alignment() -> None:
    body = [1, True, -2, 2**40, 0.5, "é", [1, 2, 3]]
    message = Message(SIGNAL, {"path": ObjectPath("/"), "member": "M"}, "ybixdsau", body)
    decoded = decode_message(encode_message(message))
    assert decoded.body == body
    # The body starts 8-aligned after the header fields.
    data = encode_message(message)
    fields_len = struct.unpack_from("<I", data, 12)[0]
    body_start = 16 + fields_len + (-(16 + fields_len) % 8)
    assert data[body_start] == 1


def test_values_without_a_type_are_refused() -> None:
    message = Message(SIGNAL, {"path": ObjectPath("/"), "member": "M"}, "v", [[1, 2]])
    with pytest.raises(DBusError, match="wrap it in Variant"):
        encode_message(message)


def test_session_bus_address_forms() -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}
    assert session_bus_address(env) == "/run/user/1000/bus"
    env = {"DBUS_SESSION_BUS_ADDRESS": "tcp:host=x;unix:abstract=/tmp/dbus-A%2cB,guid=1"}
    assert session_bus_address(env) == "\0/tmp/dbus-A,B"
    with pytest.raises(DBusError, match="not set"):
        session_bus_address({})
