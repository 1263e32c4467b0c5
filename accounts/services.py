"""Organisation settings: each change atomic, emailed where people need to
know, and recorded in the audit log."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed settings; raises StaleEdit if another administrator saved first."""
    if not changed:
        return
    if "logo" in changed:
        # A file field's value must be written to storage before the row points at it.
        organisation.logo.field.pre_save(organisation, add=False)
    save_if_unchanged(organisation, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="organisation.updated",
        summary=_("Changed the organisation settings: %(fields)s") % {"fields": ", ".join(changed)},
        data={"changed": changed},
    )
