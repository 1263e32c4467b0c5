"""Demo pages of the access plan, for the accessibility walk (tests/test_accessibility.py)."""

from typing import Any

from meetings.models import Arrangement, ArrangementKind, Meeting
from people.models import AccessNeedType
from tests.conftest import Demo

UPCOMING = "Testing the crisis pages with users"
HELD = "Planning the new website"


def meeting(demo: Demo, title: str = UPCOMING) -> dict[str, Any]:
    return {"pk": Meeting.objects.get(project=demo.website, title=title).pk}


def a_requested_booking(demo: Demo) -> dict[str, Any]:
    """A portable loop asked for at the Old Library and not yet confirmed."""
    kwargs = meeting(demo)
    arrangement, _created = Arrangement.objects.get_or_create(
        meeting_id=kwargs["pk"], kind=ArrangementKind.PORTABLE_LOOP
    )
    return kwargs | {"arrangement_pk": arrangement.pk}


def need(demo: Demo, code: str) -> dict[str, Any]:
    """At the Old Library: `bsl-interpreter` is unmet; `quiet-room` has a recorded reason."""
    return meeting(demo) | {"need_type_pk": AccessNeedType.objects.get(code=code).pk}
