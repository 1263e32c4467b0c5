"""Invitations to meetings, with calendar files, and the updates that follow changes."""

from django.db.models import F

from meetings.models import Meeting


def meeting_changed(*, meeting: Meeting, cancelled: bool = False) -> None:
    """Call after a meeting's date, time, place or format changes, or it is cancelled.

    Calendar programs apply an update only when its sequence number is higher than the last.
    """
    Meeting.objects.filter(pk=meeting.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    meeting.refresh_from_db(fields=["calendar_sequence"])
