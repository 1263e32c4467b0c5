# Action points keep their progress after the meeting, for the project's action log.

from django.conf import settings
from django.db import migrations, models


def mark_done_ones_done(apps, schema_editor):
    """Action points already marked done start the action log as done."""
    ActionPoint = apps.get_model("meetings", "ActionPoint")
    ActionPoint.objects.filter(done_at__isnull=False).update(status="done")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="actionpoint",
            name="barrier",
            field=models.TextField(blank=True, max_length=2000, verbose_name="what is in the way"),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="reminded_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="status",
            field=models.CharField(
                choices=[
                    ("not_started", "Not started"),
                    ("in_progress", "In progress"),
                    ("blocked", "Blocked"),
                    ("done", "Done"),
                ],
                default="not_started",
                max_length=12,
                verbose_name="where it has got to",
            ),
        ),
        migrations.RunPython(mark_done_ones_done, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="actionpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["not_started", "in_progress", "blocked", "done"])
                ),
                name="action_point_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="actionpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "blocked"), _negated=True),
                    models.Q(("barrier", ""), _negated=True),
                    _connector="OR",
                ),
                name="action_point_blocked_says_why",
            ),
        ),
        migrations.AddConstraint(
            model_name="actionpoint",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("done_at__isnull", False), ("status", "done")),
                    models.Q(
                        models.Q(("status", "done"), _negated=True), ("done_at__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="action_point_done_has_a_time",
            ),
        ),
    ]
