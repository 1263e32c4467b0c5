"""How each person is told about something: by email now, held for their digest, or by hand."""

from conftest import Cast
from people.contact import ContactWay, accepts_email, contact_way, display_name
from people.models import ContactChannel, ContactFrequency, Profile


def test_it_emails_people_who_chose_nothing_yet_and_people_who_chose_email(cast: Cast) -> None:
    assert contact_way(cast.member, None, essential=False) == ContactWay.EMAIL
    chose = Profile(user=cast.member, channels=[ContactChannel.EMAIL, ContactChannel.POST])
    assert contact_way(cast.member, chose, essential=False) == ContactWay.EMAIL
    assert display_name(cast.member, None) == "Amira Haddad"


def test_it_holds_all_but_essential_email_for_people_who_want_a_message_a_day_or_a_week(
    cast: Cast,
) -> None:
    for frequency in (ContactFrequency.DAILY, ContactFrequency.WEEKLY):
        profile = Profile(frequency=frequency)
        assert contact_way(cast.carer, profile, essential=False) == ContactWay.DIGEST
        assert contact_way(cast.carer, profile, essential=True) == ContactWay.EMAIL


def test_it_leaves_people_who_take_no_email_to_be_phoned_or_written_to(cast: Cast) -> None:
    phone_only = Profile(channels=[ContactChannel.PHONE])
    assert contact_way(cast.clinician, phone_only, essential=True) == ContactWay.BY_HAND
    cast.clinician.email = "erased-7@invalid"  # what erasure leaves: an address never sent to
    assert not accepts_email(cast.clinician, None)
    assert contact_way(cast.clinician, None, essential=False) == ContactWay.BY_HAND
