"""How each person is told about something: by email now, held for their digest, or by hand."""

from conftest import Cast
from people.contact import ContactWay, accepts_email, contact_way, display_name, wants_message
from people.models import ContactChannel, ContactFrequency, Profile


def test_it_emails_people_who_chose_nothing_yet_and_people_who_chose_email(cast: Cast) -> None:
    assert contact_way(cast.member, None) == ContactWay.EMAIL
    chose = Profile(user=cast.member, channels=[ContactChannel.EMAIL, ContactChannel.POST])
    assert contact_way(cast.member, chose) == ContactWay.EMAIL
    assert display_name(cast.member, None) == "Amira Haddad"


def test_it_holds_email_for_people_who_want_a_message_a_day_or_a_week_at_most(
    cast: Cast,
) -> None:
    for frequency in (ContactFrequency.DAILY, ContactFrequency.WEEKLY):
        assert contact_way(cast.carer, Profile(frequency=frequency)) == ContactWay.DIGEST
    weekly = Profile(frequency=ContactFrequency.WEEKLY)
    assert not wants_message(weekly, essential=False)
    assert wants_message(weekly, essential=True)


def test_it_leaves_people_who_take_no_email_to_be_phoned_or_written_to(cast: Cast) -> None:
    phone_only = Profile(channels=[ContactChannel.PHONE])
    assert contact_way(cast.clinician, phone_only) == ContactWay.BY_HAND
    cast.clinician.email = "erased-7@invalid"  # what erasure leaves: an address never sent to
    assert not accepts_email(cast.clinician, None)
    assert contact_way(cast.clinician, None) == ContactWay.BY_HAND
