"""Core statements compiled once per dialect and run straight on the DBAPI cursor: the answers' hot path.

SQLAlchemy's execution (compiled-cache lookup, execution context, result wrapping) cost four times the
SQLite call itself for a lone answer's check and upsert (py-spy, 200 × 8: a fifth of the server's CPU per
answer; docs/performance.md). A Prepared statement keeps SQLAlchemy's SQL, compiled for the connection's
dialect, with its bind and result type processors, so that what is written and read is the same as through
`Connection.execute`, and only the per-call machinery is skipped. It runs on the caller's connection, in its
transaction; on SQLite the cursor is the connection's (kit/sqlite.py), with the process's turn to write.

A list of values (`IN (…)`) is not expanded at each call: PreparedIn keeps one Prepared statement per length
of the list, with one parameter per value (a batch holds 64 writes at most: 64 statements at most).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bind parameters, in the order of a positional paramstyle
    positional: bool
    binds: tuple[tuple[str, Processor], ...]  # the parameters whose type converts the value
    results: tuple[Processor, ...]  # one per selected column


class Prepared:
    """One statement without expanding parameters; `column_keys` for an INSERT's columns."""

    def __init__(self, statement: sa.Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, connection: sa.Connection, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of a SELECT, each value as `Connection.execute` would give it."""
        compiled = self._compiled(connection.dialect)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, self._arguments(compiled, parameters))
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        if not any(compiled.results):
            return [tuple(row) for row in fetched]
        return [tuple(value if process is None else process(value) for value, process in zip(
            row, compiled.results, strict=True)) for row in fetched]

    def run_many(self, connection: sa.Connection, parameters: Iterable[Mapping[str, Any]]) -> None:
        """An INSERT or UPDATE for each set of parameters, in one executemany."""
        compiled = self._compiled(connection.dialect)
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(compiled.sql, [self._arguments(compiled, each) for each in parameters])
        finally:
            cursor.close()

    @staticmethod
    def _arguments(compiled: _Compiled, parameters: Mapping[str, Any]) -> Any:
        values = dict(parameters)
        for name, process in compiled.binds:
            values[name] = process(values[name]) if process is not None else values[name]
        return tuple(values[name] for name in compiled.names) if compiled.positional else values

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = self._compile(dialect)
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)  # type: ignore[attr-defined]
        if compiled.escaped_bind_names or any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("Prepared: paramètres développés ou renommés non pris en charge")
        # INSERT: the binds are named after the columns and take the columns' types.
        binds = tuple((name, bind.type._cached_bind_processor(dialect)) for name, bind in compiled.binds.items())
        columns = getattr(self.statement, "selected_columns", ())
        results = tuple(column.type._cached_result_processor(dialect, None) for column in columns)
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
        return _Compiled(compiled.string, names, positional,
                         tuple((name, process) for name, process in binds if process is not None), results)


class PreparedIn:
    """A SELECT with one list of values, `build(binds)` making it for a list of that many bind parameters."""

    def __init__(self, build: Callable[[list[sa.BindParameter[Any]]], sa.Executable]) -> None:
        self.build = build
        self._by_length: dict[int, Prepared] = {}

    def rows(self, connection: sa.Connection, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Every row for these values (at least one), each value as `Connection.execute` would give it."""
        if not values:
            raise ValueError("PreparedIn: une liste vide")
        names = [f"v_{index}" for index in range(len(values))]
        prepared = self._by_length.get(len(values))
        if prepared is None:
            prepared = self._by_length[len(values)] = Prepared(self.build([sa.bindparam(name) for name in names]))
        return prepared.rows(connection, dict(zip(names, values, strict=True)))
