"""Meeting work that waits for its time, in the database task queue (`db_worker` runs it).

Queued tasks live in the database, so a restart loses none of them.
"""

from django.tasks import task

from meetings import after
from meetings.invitations import reminders_send

# ---------------------------------------------------------------------------------------------
# Reminders


@task()
def meeting_reminders_send(meeting_id: int, starts_at_iso: str, base_url: str = "") -> int:
    """Remind a meeting's invitees, if it still starts when this reminder was set for."""
    return reminders_send(meeting_id=meeting_id, starts_at_iso=starts_at_iso, base_url=base_url)


# ---------------------------------------------------------------------------------------------
# Closing the cooling-off window


@task()
def cooling_off_close(meeting_id: int, ends_at_iso: str, base_url: str = "") -> bool:
    """Close a meeting's cooling-off window and tell members, if it still ends then."""
    return after.cooling_off_close(
        meeting_id=meeting_id, ends_at_iso=ends_at_iso, base_url=base_url
    )
