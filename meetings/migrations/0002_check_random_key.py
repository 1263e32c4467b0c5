"""After-meeting check answers get a random key, so their order cannot be matched to the
receipts or the audit log. No answers exist outside development yet, so the table is made
again rather than converted (an integer key cannot be cast to a UUID on PostgreSQL)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="AfterMeetingCheck"),
        migrations.CreateModel(
            name="AfterMeetingCheck",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("is_full_review", models.BooleanField(default=False)),
                (
                    "co_producing",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Not at all"),
                            (2, "A little"),
                            (3, "Partly"),
                            (4, "Mostly"),
                            (5, "Completely"),
                        ],
                        verbose_name="Are we really co-producing this work?",
                    ),
                ),
                (
                    "ground_rules",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Not at all"),
                            (2, "A little"),
                            (3, "Partly"),
                            (4, "Mostly"),
                            (5, "Completely"),
                        ],
                        verbose_name="Are our ground rules being respected?",
                    ),
                ),
                (
                    "work_plan",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Not at all"),
                            (2, "A little"),
                            (3, "Partly"),
                            (4, "Mostly"),
                            (5, "Completely"),
                        ],
                        verbose_name="Are we following our work-plan?",
                    ),
                ),
                (
                    "worried",
                    models.TextField(blank=True, verbose_name="Is anyone worried about anything?"),
                ),
                ("went_well", models.TextField(blank=True, verbose_name="What went well?")),
                ("not_working", models.TextField(blank=True, verbose_name="What is not working?")),
                ("learnt", models.TextField(blank=True, verbose_name="What have we learnt?")),
                ("could_help", models.TextField(blank=True, verbose_name="What else could help?")),
                ("submitted_on", models.DateField(default=django.utils.timezone.localdate)),
                (
                    "respondent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checks",
                        to="meetings.meeting",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="aftermeetingcheck",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("co_producing__gte", 1),
                    ("co_producing__lte", 5),
                    ("ground_rules__gte", 1),
                    ("ground_rules__lte", 5),
                    ("work_plan__gte", 1),
                    ("work_plan__lte", 5),
                ),
                name="after_meeting_check_ratings_valid",
            ),
        ),
    ]
