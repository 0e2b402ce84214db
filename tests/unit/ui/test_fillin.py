from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tactful.ui.fillin import FillInForm, FillInMemory, label_for


def _form(qtbot: QtBot) -> FillInForm:
    form = FillInForm()
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def test_one_field_per_name_prefilled_and_focus_on_the_first_empty(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.start(
        "Late gift",
        ["customer_name", "order_id"],
        {"customer_name": "Maria"},
        {"customer_name": "there", "order_id": None},
    )
    assert form.names == ["customer_name", "order_id"]
    assert form.edit("customer_name").text() == "Maria"
    assert "there" in form.edit("customer_name").placeholderText()
    assert form.edit("order_id").placeholderText() == "needed"
    assert form.focusWidget() is form.edit("order_id")


def test_enter_accepts_with_the_values_and_ctrl_enter_copies(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.start("Late gift", ["order_id"], {}, {"order_id": None})
    QTest.keyClicks(form.edit("order_id"), "  A-1  ")
    with qtbot.waitSignal(form.accepted) as accepted:
        QTest.keyClick(form.edit("order_id"), Qt.Key.Key_Return)
    assert accepted.args == [{"order_id": "A-1"}, False]
    with qtbot.waitSignal(form.accepted) as accepted:
        QTest.keyClick(form.edit("order_id"), Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert accepted.args == [{"order_id": "A-1"}, True]


def test_esc_cancels_and_typing_reports_changes(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.start("Late gift", ["order_id"], {}, {"order_id": None})
    with qtbot.waitSignal(form.changed) as changed:
        QTest.keyClicks(form.edit("order_id"), "7")
    assert changed.args == [{"order_id": "7"}]
    with qtbot.waitSignal(form.cancelled):
        QTest.keyClick(form.edit("order_id"), Qt.Key.Key_Escape)


def test_restart_replaces_the_fields(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.start("One", ["a", "b"], {}, {})
    form.start("Two", ["c"], {}, {})
    assert form.names == ["c"]
    assert len(form.findChildren(QLabel)) >= 1


def test_show_missing_names_the_fields_and_focuses_the_first(qtbot: QtBot) -> None:
    form = _form(qtbot)
    form.start("Late gift", ["customer_name", "order_id"], {}, {})
    form.show_missing(["order_id"])
    error = form.findChild(QLabel, "fillinError")
    assert error is not None
    assert error.isVisible()
    assert "Order ID" in error.text()
    assert form.focusWidget() is form.edit("order_id")


def test_memory_keeps_the_last_non_blank_value() -> None:
    memory = FillInMemory()
    memory.remember({"order_id": "A-1", "customer_name": "  "})
    memory.remember({"order_id": "A-2"})
    assert memory.get("order_id") == "A-2"
    assert memory.get("customer_name") == ""
    assert memory.values() == {"order_id": "A-2"}


def test_labels_read_as_words() -> None:
    assert label_for("order_id") == "Order ID"
    assert label_for("delivery_date") == "Delivery date"
    assert label_for("_x") == "X"
