"""What the history takes from recruitment: each call for new members, from the day it opened."""

import datetime

from django.utils import timezone

from conftest import Cast
from coproduce.lib.history import events_of, history_of
from recruitment import history
from recruitment.tests.grid import a_call


def test_it_tells_when_the_group_looked_for_new_members(cast: Cast) -> None:
    a_call(cast)
    rows = history_of([history.SOURCE], cast.website)
    [event] = events_of([history.SOURCE], rows or [], cast.website)
    assert str(event.text) == "A call for new members opened: “Join our group”"
    assert event.kind == history.CALLS
    assert event.url == ""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert not list(history_of([history.SOURCE], cast.website, since=tomorrow) or [])
    assert history_of([history.SOURCE], cast.website, kinds=["meetings"]) is None
