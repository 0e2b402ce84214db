"""OS integration: global hotkey, clipboard, active window, paste, single instance, autostart.

Each service is a ``Protocol`` with one backend per OS and a ``Fake`` for tests.
Nothing here imports python-xlib at module level, so every module imports on a
machine without X; the X11 backends import ``Xlib`` when they are built.
"""
