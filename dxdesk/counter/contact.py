"""Optional citizen contact for a call-back: only with explicit consent, encrypted per field at rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from dxdesk import clock
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.i18n import N_, _
from dxdesk.security import audit, fieldcrypt
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.text import clean_free_text, nfc

# The purpose the consent box states; stored with the consent (in Vietnamese, as the citizen was told).
CALLBACK_PURPOSE = N_("Call back about this request")
CALLBACK_PURPOSE_VI = "Gọi lại để hỗ trợ về yêu cầu này"


@dataclass(frozen=True)
class ContactInput:
    consent: bool  # the not-pre-ticked box was ticked by the volunteer, with the citizen's agreement
    name: str = ""
    phone: str = ""
    purpose: str = CALLBACK_PURPOSE_VI


def normalise_phone(text: str) -> str:
    """Digits of a Vietnamese phone number (leading +84 becomes 0); refuses anything else."""
    raw = nfc(text)
    digits = re.sub(r"[ .\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise UserError(_("The phone number should have 10 digits and start with 0, e.g. 0912 345 678."))
    return digits


def unavailable_reason(db) -> str | None:
    """Why contact fields cannot be used on this computer, in plain words; None when they can."""
    if fieldcrypt.available(db):
        return None
    return _(
        "Contact details are switched off on this computer: it has no secure password store (keyring) to keep "
        "the encryption key. Everything else works; ask the administrator to set up the keyring."
    )


def contact_columns(db, actor: Actor, contact: ContactInput) -> dict:
    """The ServiceRecord columns for a consented contact (encrypted name/phone, consent when/what/who)."""
    require(actor, "record.log")
    if not contact.consent:
        raise UserError(_("Contact details can only be kept when the citizen agrees: tick the consent box first."))
    name = clean_free_text(contact.name, max_length=120)
    phone = normalise_phone(contact.phone) if nfc(contact.phone) else ""
    if not name and not phone:
        raise UserError(_("Write the citizen's name or phone number, or untick the consent box."))
    purpose = clean_free_text(contact.purpose, max_length=200) or CALLBACK_PURPOSE_VI
    reason = unavailable_reason(db)
    if reason:
        raise UserError(reason)
    return {
        "contact_name_enc": fieldcrypt.encrypt(db, name) if name else None,
        "contact_phone_enc": fieldcrypt.encrypt(db, phone) if phone else None,
        "contact_lookup": fieldcrypt.lookup_hash(db, phone or name),
        "consent_at": clock.now(),
        "consent_purpose": purpose,
        "consent_by": actor.username,
    }


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    purpose: str
    consent_at: object
    consent_by: str


def read_contact(db, actor: Actor, record_uuid: str) -> Contact | None:
    """Decrypt a record's contact (coordinators and up); every reading is audited."""
    require(actor, "data.export_personal")
    with db.session() as session:
        row = session.scalar(select(ServiceRecord).where(ServiceRecord.uuid == record_uuid))
    if row is None:
        raise UserError(_("No entry with id {id}.").format(id=record_uuid))
    if row.consent_at is None:
        return None
    result = Contact(fieldcrypt.decrypt(db, row.contact_name_enc) or "", fieldcrypt.decrypt(db, row.contact_phone_enc) or "",
                     row.consent_purpose or "", row.consent_at, row.consent_by or "")
    with db.write() as session:
        audit.record(session, actor, "contact.view", "service_record", record_uuid)
    return result


def erase_contact(db, actor: Actor, record_uuid: str) -> None:
    """Withdrawal of consent: the contact and its lookup hash are removed; the anonymous record stays."""
    require(actor, "personal.purge")
    with db.write() as session:
        row = session.scalar(select(ServiceRecord).where(ServiceRecord.uuid == record_uuid))
        if row is None:
            raise UserError(_("No entry with id {id}.").format(id=record_uuid))
        row.contact_name_enc = row.contact_phone_enc = row.contact_lookup = None
        row.consent_at = row.consent_purpose = row.consent_by = None
        audit.record(session, actor, "contact.erase", "service_record", record_uuid)
