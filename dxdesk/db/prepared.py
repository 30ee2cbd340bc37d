"""Statements on the hot path, compiled once per dialect and run on the connection's own DBAPI cursor.

The counter saves one citizen at a time with a queue waiting: there the cost of SQLAlchemy's per-execution work
(compiled-cache lookup, parameter processing, result set-up; ~20 µs a statement) is larger than the work of
SQLite itself. A `Prepared` keeps the statement as SQLAlchemy Core (one definition, each dialect's own words),
compiles it once per dialect, and runs it inside the caller's transaction on the same connection, applying the
same bind processors SQLAlchemy would (a datetime is stored exactly as the ORM stores it). Only for statements
that need no result processing: inserts, upserts, and selects of plain columns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


@contextlib.contextmanager
def _as_sqlalchemy_errors(conn: Connection, sql: str, params) -> Iterator[None]:
    """The driver's errors as SQLAlchemy's (IntegrityError, OperationalError…), as `Connection.execute` raises
    them: callers catch those ('database is locked' becomes the busy message, a repeated UUID is no error)."""
    base = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except base as exc:
        raise DBAPIError.instance(sql, params, exc, base) from exc


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # qmark/numeric: the order of the parameters; None for named styles
    defaults: dict[str, Any]
    processors: dict[str, Any]
    results: tuple[Any, ...] | None  # a SELECT's result processors, one per column (None: none needed)


class Prepared:
    """STATEMENT compiled once per dialect; `execute`/`executemany`/`scalar`/`all` on a Connection's cursor.

    STATEMENT may be a dict of dialect name → statement where the dialects need different words (an upsert)."""

    def __init__(self, statement: ClauseElement | dict[str, ClauseElement]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            statement = self.statement[dialect.name] if isinstance(self.statement, dict) else self.statement
            compiled = statement.compile(dialect=dialect)
            processors = {}
            for name, bind in compiled.binds.items():
                proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if proc is not None:
                    processors[name] = proc
            positions = tuple(compiled.positiontup) if compiled.positional else None
            defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
            results = None
            if getattr(statement, "selected_columns", None) is not None:
                procs = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                              for c in statement.selected_columns)
                results = procs if any(procs) else None
            found = self._compiled[dialect.name] = _Compiled(str(compiled), positions, defaults, processors, results)
        return found

    def _params(self, compiled: _Compiled, given: dict[str, Any]):
        values = {**compiled.defaults, **given}
        for name, proc in compiled.processors.items():
            values[name] = proc(values[name])
        if compiled.positions is not None:
            return tuple(values[name] for name in compiled.positions)
        return values

    def _cursor(self, conn: Connection):
        return conn.connection.dbapi_connection.cursor()

    def execute(self, conn: Connection, params: dict[str, Any] | None = None):
        compiled = self._for(conn)
        cursor = self._cursor(conn)
        values = self._params(compiled, params or {})
        with _as_sqlalchemy_errors(conn, compiled.sql, values):
            cursor.execute(compiled.sql, values)
        return cursor

    def executemany(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        compiled = self._for(conn)
        cursor = self._cursor(conn)
        values = [self._params(compiled, row) for row in rows]
        with _as_sqlalchemy_errors(conn, compiled.sql, values):
            cursor.executemany(compiled.sql, values)
        cursor.close()

    def all(self, conn: Connection, params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows, each value as SQLAlchemy would give it (a Boolean a bool on SQLite too)."""
        cursor = self.execute(conn, params)
        rows = cursor.fetchall()
        cursor.close()
        procs = self._compiled[conn.dialect.name].results
        if procs is None:
            return [tuple(row) for row in rows]
        return [tuple(v if p is None else p(v) for p, v in zip(procs, row, strict=True)) for row in rows]

    def scalar(self, conn: Connection, params: dict[str, Any] | None = None) -> Any:
        cursor = self.execute(conn, params)
        row = cursor.fetchone()
        cursor.close()
        return row[0] if row is not None else None
