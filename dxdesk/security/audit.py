"""The append-only audit log: one call records who did what, when. Never personal data in details."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from dxdesk import clock
from dxdesk.db.models import AuditEvent
from dxdesk.security.actor import Actor


def record(session: Session, actor: Actor, action: str, entity: str = "", entity_id: object = "", **details) -> None:
    """Add an audit event to SESSION's transaction, so it commits (or not) with the change it describes."""
    session.add(
        AuditEvent(
            at=clock.now(), actor=actor.username, actor_role=actor.role, action=action, entity=entity,
            entity_id=str(entity_id) if entity_id is not None else "",
            details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        )
    )
