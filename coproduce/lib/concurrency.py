"""Optimistic locking: an edit made on a stale copy is refused instead of overwriting."""

from typing import Any

from django.db import models


class StaleEdit(Exception):
    """Someone else saved the object after this edit started."""


def save_if_unchanged(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Save `fields` only if the stored version is still `expected_version`, then bump it.

    The model needs a `version` integer field. Raises StaleEdit when the row moved on.
    """
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if not updated:
        raise StaleEdit
    instance.version = expected_version + 1  # type: ignore[attr-defined]
