"""Why a meeting was cancelled is kept on the meeting itself. Until now it was only in the
audit log, so meetings already cancelled get theirs from there (the latest, if there are
several); the audit records stay as they are."""

from typing import Any

from django.db import migrations, models


def reasons_from_audit_log(apps: Any, schema_editor: Any) -> None:
    Meeting = apps.get_model("meetings", "Meeting")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    reasons: dict[tuple[int | None, object], str] = {}
    for event in AuditEvent.objects.filter(action="meeting.cancelled").order_by("pk"):
        reasons[(event.project_id, event.data.get("meeting"))] = str(event.data.get("reason", ""))
    for meeting in Meeting.objects.filter(status="cancelled", cancel_reason=""):
        reason = reasons.get((meeting.project_id, meeting.pk), "")
        if reason:
            Meeting.objects.filter(pk=meeting.pk).update(cancel_reason=reason)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("meetings", "0002_check_random_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="cancel_reason",
            field=models.TextField(blank=True, verbose_name="why it was cancelled"),
        ),
        migrations.RunPython(reasons_from_audit_log, migrations.RunPython.noop),
    ]
