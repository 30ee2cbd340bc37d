"""The optional details of an entry: outcome, age band, sex, a note, and a call-back contact given with consent."""

from __future__ import annotations

from dxdesk.ui.pages.counter.style import AGE_LABELS, AMBER, SEX_LABELS
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dxdesk.counter.contact import ContactInput
from dxdesk.i18n import _


class DetailsForm(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.outcome_group = QButtonGroup(self)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(QLabel(_("Outcome:")))
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for code, text in (("done", _("&Done")), ("partial", _("&Partly")), ("referred", _("&Referred to officer"))):
            radio = QRadioButton(text, objectName=f"outcome_{code}")
            self.outcome_group.addButton(radio)
            self.outcome_buttons[code] = radio
            outcome_row.addWidget(radio)
        self.outcome_buttons["done"].setChecked(True)
        self.age_box = QComboBox(objectName="age_box")
        for code, label in AGE_LABELS:
            self.age_box.addItem(_(label), code or None)
        self.sex_box = QComboBox(objectName="sex_box")
        for code, label in SEX_LABELS:
            self.sex_box.addItem(_(label), code or None)
        outcome_row.addStretch(1)
        outcome_row.addWidget(self.age_box)
        outcome_row.addWidget(self.sex_box)

        self.note_edit = QLineEdit(objectName="note_edit")
        self.note_edit.setPlaceholderText(_("Optional; never a citizen ID number, password or OTP"))
        note_caption = QLabel(_("N&ote:"))
        note_caption.setBuddy(self.note_edit)
        note_row = QHBoxLayout()
        note_row.addWidget(note_caption)
        note_row.addWidget(self.note_edit, 1)

        self.consent_box = QCheckBox(
            _("The citizen agrees to leave a name and phone number to be called back about this request"),
            objectName="consent_box")
        self.consent_box.setChecked(False)
        self.contact_name = QLineEdit(objectName="contact_name", placeholderText=_("Full name"))
        self.contact_phone = QLineEdit(objectName="contact_phone", placeholderText=_("Phone"))
        self.contact_phone.setMaximumWidth(130)
        self.contact_note = QLabel(objectName="contact_unavailable")
        self.contact_note.setWordWrap(True)
        self.contact_note.setStyleSheet(f"color: {AMBER};")
        self.contact_note.hide()
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact_name, 1)
        contact_row.addWidget(self.contact_phone)
        self.contact_name.setEnabled(False)
        self.contact_phone.setEnabled(False)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(outcome_row)
        column.addLayout(note_row)
        column.addWidget(self.consent_box)
        column.addLayout(contact_row)
        column.addWidget(self.contact_note)

    def outcome(self) -> str:
        return next(code for code, radio in self.outcome_buttons.items() if radio.isChecked())

    def contact(self) -> ContactInput | None:
        if not self.consent_box.isChecked():
            return None
        return ContactInput(consent=True, name=self.contact_name.text(), phone=self.contact_phone.text())

    def enable_contact(self, on: bool, unavailable: str = "") -> None:
        """The contact fields follow the consent box; UNAVAILABLE (a reason) turns the box off for good, with a
        short note (the explanation is in the administrator's Cài đặt page)."""
        if unavailable:
            self.consent_box.setChecked(False)
            self.consent_box.setEnabled(False)
            self.contact_note.setText(_("Call-back contacts are off on this computer (see Settings)."))
            self.contact_note.setToolTip(unavailable)
            self.contact_note.show()
            on = False
        self.contact_name.setEnabled(on)
        self.contact_phone.setEnabled(on)
        if not on:
            self.contact_name.clear()
            self.contact_phone.clear()

    def clear(self) -> None:
        self.outcome_buttons["done"].setChecked(True)
        self.age_box.setCurrentIndex(0)
        self.sex_box.setCurrentIndex(0)
        self.note_edit.clear()
        self.consent_box.setChecked(False)
