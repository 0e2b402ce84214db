"""Shared pieces for the ui tests: a small library and the desktop fakes wired together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tactful.app import Services
from tactful.core.library import Library
from tactful.core.model import Pack, Reminder, Situation, Template
from tactful.core.settings import Settings
from tactful.desktop.activewindow import FakeActiveWindow, WindowRef
from tactful.desktop.autostart import FakeAutostart
from tactful.desktop.clipboard import FakeClipboard
from tactful.desktop.hotkey import FakeHotkey, HotkeyBackend, HotkeySelection
from tactful.desktop.notify import FakeNotifier
from tactful.desktop.paste import FakeKeySender, Paster, PasteSelection
from tactful.paths import Paths
from tactful.ui.fillin import FillInMemory
from tactful.ui.popup import Popup

HELPDESK = WindowRef(101, "Firefox", "Ticket #4711 — Helpdesk", 4242)

TEMPLATES = (
    Template(
        id="late-gift",
        title="Late birthday gift: name the occasion",
        situation="missed_occasion",
        body=(
            "Hi {customer_name|there},\n\nI know a birthday present that arrives late hurts. "
            "Order {order_id} now ships express.\n\n{agent_signature}"
        ),
        keywords=("birthday present late",),
        tone=("Name the occasion, not just the parcel.",),
        variants=(("chat", "Oh no, a late birthday gift! Order {order_id} ships express."),),
    ),
    Template(
        id="thanks",
        title="Thank them for waiting",
        situation="long_wait",
        body="Thank you for waiting while I checked your parcel. It arrives tomorrow.",
        keywords=("wait", "hold"),
        variants=(("chat", "Thanks for waiting!"), ("email", "Dear customer, thank you.")),
    ),
    Template(
        id="refund",
        title="Refund sent today",
        situation="refund_request",
        body="I've sent your refund today; it reaches your card within five days.",
        keywords=("money back",),
    ),
)

PACK = Pack(
    id="test.pack",
    name="Test pack",
    version="1.0.0",
    situations=(Situation("missed_occasion", "Missed occasion"),),
    reminders=(
        Reminder("Say what you will do, and when.", ("missed_occasion",)),
        Reminder("Breathe before you reply."),
    ),
    templates=tuple(
        Template(
            id=t.id,
            title=t.title,
            situation=t.situation,
            body=t.body,
            pack_id="test.pack",
            keywords=t.keywords,
            tone=t.tone,
            variants=t.variants,
        )
        for t in TEMPLATES
    ),
)


@pytest.fixture
def library() -> Library:
    return Library([PACK])


@dataclass
class Desk:
    """The fakes a popup talks to."""

    clipboard: FakeClipboard
    windows: FakeActiveWindow
    sender: FakeKeySender
    paster: Paster
    memory: FillInMemory


@pytest.fixture
def desk(qtbot: QtBot) -> Desk:
    clipboard = FakeClipboard("what the agent copied")
    windows = FakeActiveWindow(HELPDESK, active=HELPDESK)
    sender = FakeKeySender()
    paster = Paster(
        clipboard, windows, sender, poll_ms=1, release_timeout_ms=200, restore_delay_ms=5
    )
    return Desk(clipboard, windows, sender, paster, FillInMemory())


@pytest.fixture
def make_popup(qtbot: QtBot, library: Library, desk: Desk) -> Callable[..., Popup]:
    def make(settings: Settings | None = None) -> Popup:
        popup = Popup(
            library,
            settings or Settings(agent_name="Sam"),
            paster=desk.paster,
            windows=desk.windows,
            memory=desk.memory,
        )
        qtbot.addWidget(popup)
        return popup

    return make


def fake_services(
    hotkey: HotkeyBackend | None = None, passed_over: list[tuple[str, str]] | None = None
) -> Services:
    """Every desktop service of the app as a fake, the agent in the helpdesk window."""
    if passed_over is None:
        passed_over = [("x11", "not an X11 desktop")]
    return Services(
        hotkey=HotkeySelection(hotkey or FakeHotkey(), passed_over),
        paste=PasteSelection(FakeKeySender(), []),
        clipboard=FakeClipboard("the agent's clipboard"),
        windows=FakeActiveWindow(HELPDESK, active=HELPDESK),
        autostart=FakeAutostart(),
        notifier=FakeNotifier(),
        tray_available=False,
    )


@pytest.fixture
def paths(basedir: Path) -> Paths:
    """The app's folders under a fresh base directory, created."""
    paths = Paths.for_basedir(basedir)
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    return paths
