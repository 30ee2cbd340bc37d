"""Shared business settings stored in the database (unit profile lives in its own table)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from dxdesk.db.models import Setting


def get(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return json.loads(row.value) if row else default


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row:
        row.value = text
    else:
        session.add(Setting(key=key, value=text))
