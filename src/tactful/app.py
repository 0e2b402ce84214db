"""The running tray app, assembled in one visible order; it also owns shutdown.

:func:`run_app` is what ``tactful`` with no command runs. In order:

1. refuse clearly (exit 2) when there is no display to show anything on;
2. logging to a rotating file under ``<log>/``;
3. the ``QApplication`` (no quitting when the last window closes: the tray
   app lives on), and one instance per user: a second start forwards "show"
   to the first and exits 0;
4. the crash dialog hook, then :class:`TactfulApp`, which builds, in order:
   messages, settings, library, usage statistics, theme, paster, wellbeing,
   popup, settings and checker windows, tray, hotkey, pack watcher (the
   library follows the user's pack files while the app runs);
5. the event loop; then :meth:`TactfulApp.shutdown` in reverse order (ungrab
   the hotkey, put back a borrowed clipboard, close the socket).

Every part gets what it needs through its constructor; OS services come in as
one :class:`Services` value, so tests assemble the same app with fakes. The
process-level helpers (display check, logging, signals, ``tactful toggle``)
are in :mod:`tactful.launch`.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from tactful.api import default_pack_files
from tactful.core.cache import LibraryCache
from tactful.core.customer import Cue, read_customer, reminders_for
from tactful.core.errors import SettingsError, TactfulError, UsageError
from tactful.core.library import Library, load_library
from tactful.core.pack_sync import Update, UserPacks, scan
from tactful.core.settings import Settings, load_settings, save_settings
from tactful.core.tone import check_tone
from tactful.core.usage import UsageStore
from tactful.core.wellbeing import WellbeingSettings
from tactful.desktop.activewindow import ActiveWindowBackend, select_active_window_backend
from tactful.desktop.autostart import AutostartBackend, AutostartError, autostart_for_platform
from tactful.desktop.clipboard import ClipboardBackend, QtClipboard
from tactful.desktop.hotkey import (
    HotkeyError,
    HotkeySelection,
    LateBinding,
    NullHotkey,
    select_hotkey_backend,
)
from tactful.desktop.notify import Notifier
from tactful.desktop.paste import (
    PasteError,
    PasteOutcome,
    Paster,
    PasteSelection,
    select_paste_backend,
    validate_paste_keys,
)
from tactful.desktop.single_instance import SingleInstance, send_command
from tactful.launch import (
    APP_NAME,
    EXIT_NO_DISPLAY,
    EXIT_OK,
    control_app,
    display_problem,
    quit_on_signals,
    setup_logging,
)
from tactful.paths import Paths
from tactful.ui.checker import CheckerWindow
from tactful.ui.fillin import FillInMemory
from tactful.ui.messages import Messages, install_excepthook
from tactful.ui.mood import CustomerMood
from tactful.ui.pack_watcher import PackWatcher
from tactful.ui.popup import Popup
from tactful.ui.settings import ApplyProblem, SettingsWindow
from tactful.ui.theme import ThemeManager
from tactful.ui.tray import NoTrayNotice, Tray, TrayActions, app_icon
from tactful.ui.wellbeing import WellbeingController

__all__ = ["Services", "TactfulApp", "control_app", "desktop_services", "run_app"]

log = logging.getLogger(__name__)

NO_TRAY_MARKER = "no-tray-notice-shown"
FILLIN_RETRY_MS = 500
"""While a reply is being filled in, the popup gets a changed library this much later."""


@dataclass
class Services:
    """The OS services the app uses: the real ones from :func:`desktop_services`, or fakes.

    Attributes:
        hotkey: The chosen hotkey backend and why the others were passed over.
        paste: The chosen key sender (or none) and why the others were passed over.
        clipboard: The clipboard.
        windows: The active-window backend.
        autostart: The start-at-login backend.
        notifier: Desktop notifications, used when there is no tray.
        tray_available: Whether there is a system tray; Qt is asked when ``None``.
    """

    hotkey: HotkeySelection
    paste: PasteSelection
    clipboard: ClipboardBackend
    windows: ActiveWindowBackend
    autostart: AutostartBackend
    notifier: Notifier | None = None
    tray_available: bool | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)


def desktop_services(settings: Settings) -> Services:
    """The real backends for this desktop, chosen with their reasons logged."""
    hotkey = select_hotkey_backend()
    paste = select_paste_backend(prefer="copy" if settings.paste_method == "copy" else "auto")
    windows = select_active_window_backend()
    closers: list[Callable[[], None]] = []
    for part in (paste.sender, windows):
        close = getattr(part, "close", None)
        if callable(close):
            closers.append(close)
    return Services(
        hotkey=hotkey,
        paste=paste,
        clipboard=QtClipboard(),
        windows=windows,
        autostart=autostart_for_platform(),
        closers=closers,
    )


class TactfulApp(QObject):
    """Every part of the running app, built in order; :meth:`shutdown` takes it down.

    Args:
        paths: Where settings, packs, statistics and logs live.
        services: The OS services (real or fake).
        instance: The single-instance server whose commands this app obeys.
        messages: Where errors and news go; a new one when ``None``.
        library_loader: Loads the library (tests pass a small one).
    """

    def __init__(
        self,
        paths: Paths,
        services: Services,
        *,
        instance: SingleInstance | None = None,
        messages: Messages | None = None,
        settings: Settings | None = None,
        library_loader: Callable[[Paths], Library] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.services = services
        self.instance = instance
        self.paused = False
        self.hotkey_error = ""
        self._hotkey_sequence = ""
        self._closed = False

        # 1. messages: everything below may have something to say.
        self.messages = messages or Messages(paths.log_file, notifier=services.notifier)

        # 2. settings: a broken file is reported and kept; defaults are used meanwhile.
        self.settings_notice = ""
        self.settings = settings if settings is not None else self._load_settings()

        # 3. library: bundled and user packs; the problems are reported once.
        seen_packs = scan(paths.packs_dir)  # before loading: a change meanwhile is read later
        self.library = (library_loader or load_user_library)(paths)
        if self.library.problems:
            self.messages.problems(
                self.library.problems, what="Some phrase packs could not be loaded"
            )
        _ = self.library.index  # build the search index now, not on the first keystroke

        # 4. usage statistics: ranking lifts and the suggestions shown before typing.
        self.usage = UsageStore(paths.usage_db, on_error=self._usage_failed)
        self.boosts: dict[str, float] = self.usage.boosts()
        self.favourites: set[str] = self.usage.favourites()

        # 5. theme
        app = QApplication.instance()
        self.theme = ThemeManager(app) if isinstance(app, QApplication) else None
        if self.theme is not None:
            self.theme.apply(self.settings.theme)

        # 6. paster
        self.paster = Paster(
            services.clipboard,
            services.windows,
            services.paste.sender,
            overrides=self.settings.paste_overrides,
            no_sender_reason=services.paste.reason or "no way to send keys on this desktop",
            parent=self,
        )
        self.paster.finished.connect(self._on_paste_finished)

        # 7. wellbeing: break reminders and the reset card, off or on as the agent chose.
        self.wellbeing = WellbeingController(WellbeingSettings.from_settings(self.settings))
        self.wellbeing.turn_off_break_reminders.connect(
            lambda: self._switch_off(break_reminders=False)
        )
        self.wellbeing.turn_off_reset_card.connect(lambda: self._switch_off(reset_card=False))
        self._last_cues: list[Cue] = []
        self._cues_of_this_reply: list[Cue] = []

        # 8. popup, built once and kept hidden until the hotkey.
        self.memory = FillInMemory()
        self.popup = Popup(
            self.library,
            self.settings,
            paster=self.paster,
            windows=services.windows,
            memory=self.memory,
            boosts=lambda: self.boosts,
            favourites=lambda: self.favourites,
            read_mood=self.read_mood,
            check=check_tone,
        )
        self.popup.setWindowIcon(app_icon())
        self.popup.chosen.connect(self._on_chosen)
        self.popup.favourite_toggled.connect(self._on_favourite_toggled)
        self.popup.winId()  # create the native window now: the first show is faster

        # 9. settings and Check-a-draft windows (the checker is built when first opened)
        self.settings_window = SettingsWindow(
            self.settings, apply=self.apply_settings, channels=self._channels()
        )
        self.settings_window.setWindowIcon(app_icon())
        self.checker: CheckerWindow | None = None

        # 10. tray, or a one-time notice saying how to reach the app without one.
        self.tray = Tray(
            TrayActions(
                search=self.popup.summon,
                settings=self.open_settings,
                set_paused=self.set_paused,
                is_paused=lambda: self.paused,
                quit=self.quit,
                check=self.open_checker,
                hotkey_text=lambda: self.settings.hotkey if not self.hotkey_error else "",
            ),
            available=services.tray_available,
        )
        self.no_tray_notice: NoTrayNotice | None = None
        if self.tray.show():
            self.messages.tray = self.tray.icon

        # 11. hotkey; a desktop that binds it later (the portal) may still refuse it then.
        if isinstance(services.hotkey.backend, LateBinding):
            services.hotkey.backend.on_failure = self._on_hotkey_refused
        self._register_hotkey(self.settings.hotkey, report=True)
        if not self.tray.available:
            self.no_tray_notice = NoTrayNotice(paths.state / NO_TRAY_MARKER)
            self.no_tray_notice.show_once(self.settings.hotkey if not self.hotkey_error else "")

        # 12. pack watcher: edits to the user's packs reach the popup while the app runs.
        self.pack_watcher = PackWatcher(
            self.library,
            UserPacks.after_load(paths.packs_dir, self.library, seen_packs),
            parent=self,
        )
        self.pack_watcher.updated.connect(self._on_packs_changed)
        self._popup_library_timer = QTimer(self)
        self._popup_library_timer.setSingleShot(True)
        self._popup_library_timer.setInterval(FILLIN_RETRY_MS)
        self._popup_library_timer.timeout.connect(self._give_popup_the_library)
        self.pack_watcher.start()

        if instance is not None:
            instance.command_received.connect(self.handle_command)
        log.info("Tactful is ready: %d templates", len(self.library.templates))

    # --- loading ---------------------------------------------------------------

    def _load_settings(self) -> Settings:
        path = self.paths.settings_file
        try:
            settings, problems = load_settings(path)
        except SettingsError as exc:
            self.settings_notice = (
                f"{exc}\n\nTactful uses the default settings until this file is fixed. "
                f"Saving here replaces it; the unreadable file is kept as {path.name}.bak."
            )
            self.messages.error(
                exc, context="Your settings file could not be read; Tactful uses the defaults."
            )
            return Settings()
        if problems:
            self.messages.problems(problems, what="Some settings were not understood")
        return settings

    def _on_packs_changed(self, update: Update) -> None:
        """Pack files changed on disk: use the new library, say what could not be used."""
        if update.problems:
            self.messages.problems(
                update.problems,
                what="A changed phrase pack could not be loaded (its last good version stays)",
            )
        if update.library is self.library:
            return
        self.library = update.library
        if self.checker is not None:
            self.checker.set_extra_rules(self.library.tone_rules)
        self._give_popup_the_library()

    def _give_popup_the_library(self) -> None:
        """Search the current library in the popup, once no reply is being filled in."""
        if self.popup.fillin_open:
            self._popup_library_timer.start()
            return
        self.popup.set_library(self.library)

    def _channels(self) -> list[str]:
        found: dict[str, None] = {"chat": None, "email": None}
        for template in self.library.templates:
            for name in template.channels:
                found.setdefault(name, None)
        return list(found)

    # --- hotkey ----------------------------------------------------------------

    @property
    def hotkey(self) -> HotkeySelection:
        """The hotkey backend in use and why the others are not."""
        return self.services.hotkey

    def _on_hotkey(self) -> None:
        log.info("hotkey pressed%s", " (paused: ignored)" if self.paused else "")
        if not self.paused:
            self.wellbeing.record_use()
            self.popup.toggle()

    def _register_hotkey(self, sequence: str, *, report: bool) -> bool:
        backend = self.services.hotkey.backend
        self._hotkey_sequence = sequence
        try:
            backend.register(sequence, self._on_hotkey)
        except HotkeyError as exc:
            self.hotkey_error = f"Hotkey {sequence}: {exc}"
            if report:
                self.messages.error(
                    f"{exc}\n\nChoose another hotkey in Settings, or open the popup with "
                    "the command “tactful toggle”.",
                    context=f"The hotkey {sequence} cannot be used",
                )
            return False
        self.hotkey_error = ""
        if isinstance(backend, NullHotkey):
            log.info("no global hotkey backend: %s", backend.hint)
        return True

    def _on_hotkey_refused(self, reason: str) -> None:
        """The desktop refused the hotkey after ``register`` returned: say so, and what to do."""
        sequence = self._hotkey_sequence
        advice = "bind “tactful toggle” to a key in your desktop settings"
        self.hotkey_error = f"The desktop refused the shortcut {sequence} ({reason}); {advice}."
        self.messages.error(
            f"{reason[:1].upper()}{reason[1:]}.\n\n{advice[:1].upper()}{advice[1:]}; "
            "it opens the popup just like the hotkey.",
            context=f"The desktop refused the shortcut {sequence}",
        )
        if self.settings_window.isVisible():
            self._show_hotkey_status()

    def set_paused(self, paused: bool) -> None:
        """Pause (release) or resume the global hotkey."""
        if paused == self.paused:
            return
        self.paused = paused
        if paused:
            self.services.hotkey.backend.unregister()
        else:
            self._register_hotkey(self.settings.hotkey, report=True)

    # --- commands from the tray and other processes -----------------------------

    def handle_command(self, cmd: str, args: dict[str, Any]) -> None:
        """Obey ``toggle``, ``show``, ``hide``, ``check`` and ``quit`` from another process."""
        if cmd == "toggle":
            self.popup.toggle()
        elif cmd == "show":
            self.popup.summon()
        elif cmd == "hide":
            self.popup.dismiss()
        elif cmd == "check":
            self.open_checker()
        elif cmd == "quit":
            self.quit()
        else:
            log.warning("ignored unknown command %r %r", cmd, args)

    def open_settings(self) -> None:
        """Show the settings window with the current state."""
        self.settings_window.open_window(self.settings)
        self._show_hotkey_status()
        self.settings_window.set_paste_status(self._paste_status())
        self.settings_window.set_notice(self.settings_notice)

    def _show_hotkey_status(self) -> None:
        selection = self.services.hotkey
        active = selection.backend.name
        if isinstance(selection.backend, LateBinding):  # "portal (bound: Ctrl+Alt+Space)"
            active = f"{active} ({selection.backend.status})"
        self.settings_window.set_hotkey_status(active, selection.passed_over, self.hotkey_error)

    def _paste_status(self) -> str:
        paste = self.services.paste
        if paste.sender is None:
            return f"Replies are copied, not pasted: {paste.reason}."
        return f"Replies are pasted with simulated keys ({paste.sender.name})."

    def open_checker(self) -> None:
        """Open the Check-a-draft window with the team's tone rules."""
        if self.checker is None:
            self.checker = CheckerWindow(check_tone, self.library.tone_rules)
            self.checker.setWindowIcon(app_icon())
        self.checker.open_window()

    def read_mood(self, text: str) -> CustomerMood:
        """The customer's mood in a query, for the popup (core's customer reader)."""
        cues = read_customer(text)
        self._last_cues = cues
        labels = tuple(
            dict.fromkeys(f"{c.kind.replace('_', ' ')} (“{c.words.strip()}”)" for c in cues)
        )
        return CustomerMood(labels, tuple(reminders_for(cues)))

    def _switch_off(self, **change: bool) -> None:
        """The agent turned a wellbeing reminder off from the reminder itself: save it."""
        problem = self.apply_settings(self.settings.updated(**change))
        if problem is not None:
            self.messages.error(problem.message, context="The setting could not be saved")

    def quit(self) -> None:
        """Leave the event loop; :func:`run_app` then calls :meth:`shutdown`."""
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # --- settings ----------------------------------------------------------------

    def apply_settings(self, new: Settings) -> ApplyProblem | None:
        """Use ``new`` settings: hotkey, login item, then save; the first problem stops it."""
        old = self.settings
        hotkey_changed = new.hotkey != old.hotkey or bool(self.hotkey_error)
        if hotkey_changed and not self.paused:
            if not new.hotkey:
                return ApplyProblem("Hotkey: choose a key combination.", "hotkey")
            if not self._register_hotkey(new.hotkey, report=False):
                problem = ApplyProblem(self.hotkey_error, "hotkey")
                if new.hotkey != old.hotkey:
                    self._register_hotkey(old.hotkey, report=False)
                return problem
        for window_class, keys in new.paste_overrides.items():
            try:
                validate_paste_keys(keys, where=f"paste keys for {window_class!r}")
            except PasteError as exc:
                return ApplyProblem(f"{exc} (try ctrl+v, ctrl+shift+v or shift+insert)")
        if new.start_at_login != old.start_at_login:
            try:
                self.services.autostart.set_enabled(new.start_at_login)
            except AutostartError as exc:
                return ApplyProblem(f"Start at login: {exc}")
        try:
            save_settings(new, self.paths.settings_file)
        except OSError as exc:
            return ApplyProblem(f"Cannot save the settings to {self.paths.settings_file}: {exc}")
        self.settings_notice = ""
        self.settings = new
        self.paster.overrides = dict(new.paste_overrides)
        self.popup.set_settings(new)
        self.wellbeing.apply(WellbeingSettings.from_settings(new))
        if self.theme is not None:
            self.theme.apply(new.theme)
        log.info("settings saved to %s", self.paths.settings_file)
        return None

    # --- results of a choice ---------------------------------------------------

    def _usage_failed(self, error: UsageError) -> None:
        self.messages.error(error, context="Usage statistics are switched off for now")

    def _on_favourite_toggled(self, full_id: str, favourite: bool) -> None:
        """Ctrl+D in the popup: save the favourite, then rank with it at once."""
        log.info("%s %s", "favourite" if favourite else "no longer favourite", full_id)
        self.usage.set_favourite(full_id, favourite)
        if not self.usage.active:
            self.messages.notify_once(
                "Favourites cannot be saved while the usage statistics are switched off: "
                f"{self.usage.error}"
            )
        self.favourites = self.usage.favourites()
        self.boosts = self.usage.boosts()
        self.popup.refresh_usage()

    def _on_chosen(self, full_id: str, kind: str) -> None:
        log.info("%s %s", kind, full_id)
        self.usage.record(full_id, kind)
        self.boosts = self.usage.boosts()
        self.popup.refresh_usage()
        self.wellbeing.record_use()
        self._cues_of_this_reply = list(self._last_cues)

    def _on_paste_finished(self, outcome: PasteOutcome) -> None:
        log.info("paste finished: %s", outcome.message)
        if not outcome.pasted or not outcome.restored:
            self.messages.notify(outcome.message)
        # After an angry exchange, a reset card; only now, so it never takes the paste's focus.
        cues, self._cues_of_this_reply = self._cues_of_this_reply, []
        if cues:
            self.wellbeing.customer_message_read(cues)

    # --- shutdown ----------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop in reverse order: hotkey, paste (clipboard back), windows, tray, socket."""
        if self._closed:
            return
        self._closed = True
        self.pack_watcher.close()
        self._popup_library_timer.stop()
        try:
            self.services.hotkey.backend.close()
        except Exception:  # shutting down: log and go on with the rest
            log.exception("closing the hotkey backend failed")
        self.paster.cancel()
        self.wellbeing.close_all()
        self.popup.hide()
        if self.checker is not None:
            self.checker.hide()
        self.settings_window.hide()
        self.tray.close()
        self.usage.close()
        for close in self.services.closers:
            try:
                close()
            except Exception:
                log.exception("closing a desktop service failed")
        if self.instance is not None:
            self.instance.close()
        log.info("Tactful stopped")


def load_user_library(paths: Paths) -> Library:
    """The bundled packs and the user's own and installed packs (through the cache)."""
    return load_library(default_pack_files(paths), cache=LibraryCache(paths.cache))


def run_app(paths: Paths, argv: list[str] | None = None) -> int:
    """Run the tray app until it quits; return the exit code."""
    problem = display_problem(os.environ, sys.platform)
    if problem is not None:
        print(f"tactful: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    handler = setup_logging(paths.log_file)
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(argv or [APP_NAME])
    qapp.setApplicationName(APP_NAME)
    qapp.setDesktopFileName(APP_NAME)
    qapp.setQuitOnLastWindowClosed(False)
    qapp.setWindowIcon(app_icon())

    instance = SingleInstance(paths.runtime)
    try:
        primary = instance.try_become_primary()
    except TactfulError as exc:
        print(f"tactful: {exc}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    if not primary:
        forwarded = send_command(paths.runtime, "show")
        log.info("another Tactful is running; forwarded 'show': %s", forwarded)
        logging.getLogger().removeHandler(handler)
        return EXIT_OK

    messages = Messages(paths.log_file)
    previous_hook = install_excepthook(paths.log_file, messages)
    settings_for_services, _ = _settings_quietly(paths)
    services = desktop_services(settings_for_services)
    app = TactfulApp(paths, services, instance=instance, messages=messages)
    undo_signals = quit_on_signals(qapp)
    try:
        code = qapp.exec()
    finally:
        undo_signals()
        app.shutdown()
        sys.excepthook = previous_hook
        logging.getLogger().removeHandler(handler)
        handler.close()
    return int(code)


def _settings_quietly(paths: Paths) -> tuple[Settings, list[str]]:
    """The settings for choosing backends; errors are reported later by :class:`TactfulApp`."""
    try:
        return load_settings(paths.settings_file)
    except SettingsError:
        return Settings(), []
