"""Column types of the models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class IntList(sa.types.TypeDecorator[list[int]]):
    """A list of integers stored as text, "0,2": an answer's chosen indexes.

    A plain string column, so that it reads the rows written before it and needs no migration; the
    parsing lives here, not in every reader. Assign a new list to change it (a list changed in place
    is not seen by the session).
    """

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Sequence[int] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # A string would be stored as is ("0,2" is a Sequence): refuse it rather than write unchecked text.
        if isinstance(value, str | bytes) or not all(type(item) is int for item in value):
            raise ValueError(f"IntList attend une liste d'entiers, pas {value!r}")
        return ",".join(map(str, value))

    def process_result_value(self, value: Any, dialect: Dialect) -> list[int] | None:
        if value is None:
            return None
        try:
            return [int(item) for item in value.split(",") if item]
        except ValueError:
            raise ValueError(f"IntList : valeur enregistrée illisible {value!r} (attendu : « 0,2 »)") from None

