from __future__ import annotations

import pytest

from tactful.desktop.keys import KeyComboError, parse_hotkey, parse_key_combo


@pytest.mark.parametrize(
    ("text", "qt", "keyboard", "x11", "portal"),
    [
        ("Ctrl+Alt+Space", "Ctrl+Alt+Space", "ctrl+alt+space", "space", "CTRL+ALT+space"),
        ("ctrl+shift+v", "Ctrl+Shift+V", "ctrl+shift+v", "v", "CTRL+SHIFT+v"),
        ("shift+insert", "Shift+Ins", "shift+insert", "Insert", "SHIFT+Insert"),
        ("Meta+F12", "Meta+F12", "windows+f12", "F12", "LOGO+F12"),
        ("Alt+Ctrl+,", "Ctrl+Alt+,", "ctrl+alt+,", "comma", "CTRL+ALT+comma"),
        ("Ctrl++", "Ctrl++", "ctrl+plus", "plus", "CTRL+plus"),
        ("Super+PgDown", "Meta+PgDown", "windows+page down", "Next", "LOGO+Next"),
    ],
)
def test_combo_is_spelled_for_every_backend(
    text: str, qt: str, keyboard: str, x11: str, portal: str
) -> None:
    combo = parse_key_combo(text)
    assert combo.qt_text() == qt
    assert combo.keyboard_text() == keyboard
    assert combo.x11_keysym_name() == x11
    assert combo.portal_trigger() == portal


def test_qt_text_round_trips() -> None:
    combo = parse_key_combo("Ctrl+Shift+Alt+Meta+K")
    assert parse_key_combo(combo.qt_text()) == combo


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Ctrl+", "empty part"),
        ("Hyper+A", "'Hyper' is not a modifier"),
        ("Ctrl+Control+A", "appears twice"),
        ("Ctrl+Alt", "ends with the modifier 'Alt'"),
        ("Ctrl+Banana", "unknown key 'Banana'"),
        ("Ctrl+F36", "unknown key 'F36'"),
        ("Ctrl+é", "not a key a hotkey can use"),
    ],
)
def test_bad_combinations_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(KeyComboError, match=message):
        parse_key_combo(text, what="hotkey")


@pytest.mark.parametrize("text", ["A", "Shift+A", "Space", "Shift+1"])
def test_hotkey_that_would_swallow_typing_is_refused(text: str) -> None:
    with pytest.raises(KeyComboError, match="needs Ctrl, Alt or Meta"):
        parse_hotkey(text)


@pytest.mark.parametrize("text", ["F12", "Shift+F5", "Ctrl+Alt+Space", "Meta+T", "Pause"])
def test_hotkey_accepts_keys_that_do_not_type(text: str) -> None:
    assert parse_hotkey(text).qt_text()
