"""The database cache that keeps drawn rows (`fragments.py`), with `set_many` in one statement.

Django's database cache stores each key of `set_many` on its own, in three or four queries,
so a page keeping 40 newly drawn rows would ask the database over a hundred times. This
stores them all in one upsert (`INSERT ... ON CONFLICT DO UPDATE`, which PostgreSQL and
SQLite both understand), so a page costs the same few queries however many rows it draws.
Values are encoded as Django's own backend encodes them, so reading is unchanged.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        if not data:
            return []
        backend_timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        name = connection.ops.quote_name
        table = name(self._table)  # type: ignore[attr-defined]
        expires = (
            datetime.max
            if backend_timeout is None
            else datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        ).replace(microsecond=0)
        expires_value = connection.ops.adapt_datetimefield_value(expires)
        rows = sorted(  # in key order, so two pages storing the same rows cannot deadlock
            (
                self.make_and_validate_key(key, version=version),
                base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"),
                expires_value,
            )
            for key, value in data.items()
        )
        key, value, expires_column = name("cache_key"), name("value"), name("expires")
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608  # our own table
                held = cursor.fetchone()[0]
                if held + len(rows) > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), held)  # type: ignore[attr-defined]
                # As many rows a statement as the database takes parameters (three a row):
                # all of a page's rows at once, so its queries do not grow with them.
                most = connection.features.max_query_params
                per_statement = len(rows) if most is None else most // 3
                for start in range(0, len(rows), per_statement):
                    part = rows[start : start + per_statement]
                    cursor.execute(
                        f"INSERT INTO {table} ({key}, {value}, {expires_column})"  # noqa: S608
                        f" VALUES {', '.join(['(%s, %s, %s)'] * len(part))}"
                        f" ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value},"
                        f" {expires_column} = EXCLUDED.{expires_column}",
                        [field for row in part for field in row],
                    )
        except DatabaseError:
            # As Django's own backend: a cache that cannot store says so, and the page goes on.
            return list(data)
        return []


def kept_or_made[T](
    key: str,
    kind: type[T],
    make: Callable[[], T],
    timeout: float,
    kept: Mapping[str, Any] | None = None,
) -> T:
    """The copy kept under `key` (from `kept`, what the caller already fetched, or else from
    the shared cache), or, when there is none of this kind, `make()`'s, kept for next time."""
    found = (kept if kept is not None else caches["kept"].get_many([key])).get(key)
    if not isinstance(found, kind):
        found = make()
        caches["kept"].set_many({key: found}, timeout)
    return found


def forget_kept(key: str) -> None:
    """Drop a kept copy now and again once the change is committed, so a page that read the
    old value meanwhile cannot keep it."""
    kept = caches["kept"]
    kept.delete(key)
    transaction.on_commit(lambda: kept.delete(key))


class ForgetsKeptCopy:
    """For a model whose copy is kept in the shared cache: saving or deleting one drops it."""

    @classmethod
    def kept_key(cls) -> str:
        raise NotImplementedError

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)  # type: ignore[misc]
        forget_kept(self.kept_key())

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted: tuple[int, dict[str, int]] = super().delete(*args, **kwargs)  # type: ignore[misc]
        forget_kept(self.kept_key())
        return deleted
