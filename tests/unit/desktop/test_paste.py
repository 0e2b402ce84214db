from __future__ import annotations

from collections.abc import Mapping

import pytest
from pytestqt.qtbot import QtBot

from tactful.desktop.activewindow import FakeActiveWindow, WindowRef
from tactful.desktop.clipboard import FakeClipboard
from tactful.desktop.paste import (
    FakeKeySender,
    KeySender,
    PasteError,
    PasteOutcome,
    Paster,
    SenderFactory,
    SenderUnavailableError,
    paste_keys_for,
    select_paste_backend,
    validate_paste_keys,
)

CHAT = WindowRef(id=101, wm_class="Firefox", title="Helpdesk — ticket 4711", pid=42)
TERMINAL = WindowRef(id=202, wm_class="XTerm", title="ssh support@host")
EDITOR = WindowRef(id=303, wm_class="Gedit", title="notes")


@pytest.mark.parametrize(
    ("wm_class", "keys"),
    [
        ("Firefox", "ctrl+v"),
        ("", "ctrl+v"),
        ("XTerm", "ctrl+shift+v"),
        ("URxvt", "ctrl+shift+v"),
        ("Gnome-terminal", "ctrl+shift+v"),
        ("konsole", "ctrl+shift+v"),
        ("kitty", "ctrl+shift+v"),
        ("Alacritty", "ctrl+shift+v"),
        ("org.wezfurlong.wezterm", "ctrl+shift+v"),
        ("foot", "ctrl+shift+v"),
        ("Xfce4-terminal", "ctrl+shift+v"),
        ("Terminator", "ctrl+shift+v"),
        ("Tilix", "ctrl+shift+v"),
    ],
)
def test_paste_keys_by_window_class(wm_class: str, keys: str) -> None:
    assert paste_keys_for(wm_class, {}) == keys


def test_override_from_settings_wins_without_regard_to_case() -> None:
    overrides = {"xterm": "shift+insert", "FIREFOX": "ctrl+shift+v"}
    assert paste_keys_for("XTerm", overrides) == "shift+insert"
    assert paste_keys_for("Firefox", overrides) == "ctrl+shift+v"
    assert paste_keys_for("Gedit", overrides) == "ctrl+v"


def test_blank_override_is_ignored() -> None:
    assert paste_keys_for("XTerm", {"xterm": "  "}) == "ctrl+shift+v"


def test_validate_paste_keys_names_the_setting() -> None:
    validate_paste_keys("shift+insert")
    with pytest.raises(PasteError, match="paste keys for xterm"):
        validate_paste_keys("ctrl+banana", where="paste keys for xterm")


def make_paster(
    clipboard: FakeClipboard,
    windows: FakeActiveWindow,
    sender: KeySender | None,
    **kwargs: object,
) -> Paster:
    options: dict[str, object] = {"poll_ms": 1, "release_timeout_ms": 10_000, "restore_delay_ms": 5}
    options.update(kwargs)
    return Paster(clipboard, windows, sender, **options)  # type: ignore[arg-type]


def run_paste(
    qtbot: QtBot, paster: Paster, text: str, target: WindowRef | None, **kwargs: bool
) -> PasteOutcome:
    with qtbot.waitSignal(paster.finished, timeout=5000) as blocker:
        paster.paste(text, target, **kwargs)
    outcome = blocker.args[0]
    assert isinstance(outcome, PasteOutcome)
    return outcome


def test_paste_gives_focus_back_pastes_and_restores_the_clipboard(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("the agent's own text")
    windows = FakeActiveWindow(CHAT, active=EDITOR)
    sender = FakeKeySender()
    paster = make_paster(clipboard, windows, sender)

    outcome = run_paste(qtbot, paster, "Sorry for the wait!", CHAT)

    assert windows.activations == [CHAT]
    assert sender.sent == ["ctrl+v"]
    assert clipboard.writes == ["Sorry for the wait!"]
    assert clipboard.snapshot().text() == "the agent's own text"
    assert outcome == PasteOutcome(
        True, True, True, "Pasted into 'Helpdesk — ticket 4711'.", "ctrl+v"
    )
    assert not paster.busy


def test_reply_is_marked_secret_while_it_is_on_the_clipboard(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("old")
    seen: list[bool] = []

    class Watching(FakeKeySender):
        def send_paste(self, keys: str) -> None:
            seen.append(clipboard.marked_secret and clipboard.holds("reply"))
            super().send_paste(keys)

    paster = make_paster(clipboard, FakeActiveWindow(CHAT), Watching())
    run_paste(qtbot, paster, "reply", CHAT)
    assert seen == [True]
    assert not clipboard.marked_secret


def test_clipboard_is_left_alone_when_the_user_copied_something_meanwhile(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("old")

    class CopiesAfterPaste(FakeKeySender):
        def send_paste(self, keys: str) -> None:
            super().send_paste(keys)
            clipboard.user_copies("something the agent copied")

    paster = make_paster(clipboard, FakeActiveWindow(CHAT), CopiesAfterPaste())
    outcome = run_paste(qtbot, paster, "reply", CHAT)

    assert outcome.pasted
    assert not outcome.restored
    assert "what you copied since" in outcome.message
    assert clipboard.snapshot().text() == "something the agent copied"
    assert clipboard.restores == 0


def test_every_clipboard_format_comes_back(qtbot: QtBot) -> None:
    clipboard = FakeClipboard()
    formats = (("text/html", b"<b>hi</b>"), ("text/plain", b"hi"), ("image/png", b"\x89PNG"))
    clipboard.user_copies(formats)
    paster = make_paster(clipboard, FakeActiveWindow(CHAT), FakeKeySender())
    run_paste(qtbot, paster, "reply", CHAT)
    assert clipboard.clipboard == formats


def test_copy_only_leaves_the_reply_on_the_clipboard(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("old")
    windows = FakeActiveWindow(CHAT, active=EDITOR)
    sender = FakeKeySender()
    paster = make_paster(clipboard, windows, sender)

    outcome = run_paste(qtbot, paster, "reply", CHAT, copy_only=True)

    assert outcome == PasteOutcome(False, True, False, "Copied to the clipboard.")
    assert clipboard.holds("reply")
    assert sender.sent == []
    assert windows.activations == []


def test_waits_for_the_hotkey_modifiers_to_be_released(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("old")
    sender = FakeKeySender(held=True)
    paster = make_paster(clipboard, FakeActiveWindow(CHAT), sender)
    finished: list[PasteOutcome] = []
    paster.finished.connect(finished.append)

    paster.paste("reply", CHAT)
    qtbot.waitUntil(lambda: sender.polls >= 5, timeout=5000)
    assert sender.sent == []
    assert paster.busy

    sender.held = False
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert sender.sent == ["ctrl+v"]
    assert finished[0].restored


def test_pastes_anyway_when_modifiers_stay_down(qtbot: QtBot) -> None:
    sender = FakeKeySender(held=True)
    paster = make_paster(
        FakeClipboard("old"), FakeActiveWindow(CHAT), sender, release_timeout_ms=30
    )
    outcome = run_paste(qtbot, paster, "reply", CHAT)
    assert outcome.pasted
    assert sender.sent == ["ctrl+v"]


def test_terminal_gets_ctrl_shift_v_and_overrides_win(qtbot: QtBot) -> None:
    sender = FakeKeySender()
    windows = FakeActiveWindow(TERMINAL, EDITOR)
    paster = make_paster(FakeClipboard(), windows, sender, overrides={"gedit": "shift+insert"})
    run_paste(qtbot, paster, "one", TERMINAL)
    run_paste(qtbot, paster, "two", EDITOR)
    assert sender.sent == ["ctrl+shift+v", "shift+insert"]


def test_without_a_key_sender_it_copies_and_says_why(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("old")
    paster = make_paster(
        clipboard,
        FakeActiveWindow(CHAT),
        None,
        no_sender_reason="no paste backend on Wayland without the portal",
    )
    outcome = run_paste(qtbot, paster, "reply", CHAT)
    assert outcome == PasteOutcome(
        False,
        True,
        False,
        "Copied — paste with Ctrl+V: no paste backend on Wayland without the portal",
    )
    assert clipboard.holds("reply")


def test_closed_target_window_means_copy_only(qtbot: QtBot) -> None:
    windows = FakeActiveWindow(EDITOR, active=EDITOR)  # CHAT is gone
    sender = FakeKeySender()
    paster = make_paster(FakeClipboard("old"), windows, sender)
    outcome = run_paste(qtbot, paster, "reply", CHAT)
    assert not outcome.pasted
    assert outcome.copied
    assert "could not be given the focus" in outcome.message
    assert sender.sent == []


def test_target_that_never_gets_the_focus_is_not_pasted_into(qtbot: QtBot) -> None:
    class Stubborn(FakeActiveWindow):
        def activate(self, ref: WindowRef) -> bool:
            self.activations.append(ref)
            return True  # the request went out, but focus stays where it was

    windows = Stubborn(CHAT, active=EDITOR)
    sender = FakeKeySender()
    paster = make_paster(FakeClipboard("old"), windows, sender, release_timeout_ms=30)
    outcome = run_paste(qtbot, paster, "reply", CHAT)
    assert not outcome.pasted
    assert "did not get the focus back" in outcome.message
    assert sender.sent == []


def test_send_failure_leaves_the_reply_to_paste_by_hand(qtbot: QtBot) -> None:
    sender = FakeKeySender()
    sender.fail_with = "XTEST went away"
    clipboard = FakeClipboard("old")
    paster = make_paster(clipboard, FakeActiveWindow(CHAT), sender)
    outcome = run_paste(qtbot, paster, "reply", CHAT)
    assert outcome == PasteOutcome(
        False, True, False, "Copied — paste with Ctrl+V: XTEST went away"
    )
    assert clipboard.holds("reply")


def test_a_new_paste_replaces_one_under_way_and_keeps_the_original_clipboard(
    qtbot: QtBot,
) -> None:
    clipboard = FakeClipboard("the agent's own text")
    sender = FakeKeySender(held=True)
    paster = make_paster(clipboard, FakeActiveWindow(CHAT), sender)
    outcomes: list[PasteOutcome] = []
    paster.finished.connect(outcomes.append)

    paster.paste("first reply", CHAT)
    paster.paste("second reply", CHAT)
    sender.held = False
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=5000)

    assert outcomes[0].message.startswith("Replaced by a newer paste")
    assert not outcomes[0].pasted
    assert outcomes[1].pasted
    assert outcomes[1].restored
    assert sender.sent == ["ctrl+v"]
    assert clipboard.snapshot().text() == "the agent's own text"


def test_cancel_restores_the_clipboard(qtbot: QtBot) -> None:
    clipboard = FakeClipboard("mine")
    sender = FakeKeySender(held=True)
    paster = make_paster(clipboard, FakeActiveWindow(CHAT), sender)
    with qtbot.waitSignal(paster.finished, timeout=5000) as blocker:
        paster.paste("reply", CHAT)
        paster.cancel()
    assert blocker.args[0].message == "Paste cancelled."
    assert clipboard.snapshot().text() == "mine"
    assert sender.sent == []


# --- choosing a key sender ---------------------------------------------------------


def sends(name: str) -> SenderFactory:
    def factory(env: Mapping[str, str]) -> KeySender:
        sender = FakeKeySender()
        sender.name = name
        return sender

    return factory


def unavailable(reason: str) -> SenderFactory:
    def factory(env: Mapping[str, str]) -> KeySender:
        raise SenderUnavailableError(reason)

    return factory


def test_x11_uses_xtest() -> None:
    factories = {"xtest": sends("xtest"), "keyboard": sends("keyboard")}
    selection = select_paste_backend({"DISPLAY": ":0"}, platform="linux", factories=factories)
    assert selection.sender is not None
    assert selection.sender.name == "xtest"
    assert selection.passed_over == [("keyboard", "not needed: xtest works")]


def test_wayland_without_a_sender_copies_and_says_why() -> None:
    factories = {"xtest": sends("xtest"), "keyboard": unavailable("runs only as root")}
    env = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}
    selection = select_paste_backend(env, platform="linux", factories=factories)
    assert selection.sender is None
    assert selection.reason == "no paste backend on Wayland without the portal"
    reasons = dict(selection.passed_over)
    assert "Wayland session" in reasons["xtest"]
    assert reasons["keyboard"] == "runs only as root"


def test_macos_explains_the_accessibility_permission() -> None:
    selection = select_paste_backend({}, platform="darwin", factories={})
    assert selection.sender is None
    assert "Accessibility" in selection.reason


def test_copy_only_setting() -> None:
    selection = select_paste_backend(
        {"DISPLAY": ":0"}, platform="linux", prefer="copy", factories={"xtest": sends("xtest")}
    )
    assert selection.sender is None
    assert selection.reason == "pasting is switched off in settings"


def test_real_senders_without_a_display_give_reasons() -> None:
    selection = select_paste_backend({}, platform="linux")
    assert selection.sender is None
    reasons = dict(selection.passed_over)
    assert reasons["xtest"] == "no X display: DISPLAY is not set"
    assert not reasons["keyboard"].startswith("failed")
    assert "paste backend: none" in selection.describe()
