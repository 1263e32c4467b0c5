"""Who may see a person's access requirements: special-category data under UK GDPR.

The person always can. In a project, its coordinators and facilitators can (they arrange
support), and so can the organisation's coordinators. Other members of the project can
only if the person has chosen to share with their group. Everyone but the person must
state why, and each viewing is recorded.
"""

from django.contrib.auth.models import AnonymousUser

from accounts.models import OrgRole, User
from people.models import MemberType, Profile
from projects.models import Membership, ProjectRole


def arranges_support(viewer: User, viewer_membership: Membership | None) -> bool:
    if viewer.is_active and viewer.org_role == OrgRole.COORDINATOR:
        return True
    return (
        viewer_membership is not None
        and viewer_membership.is_current
        and (
            viewer_membership.role == ProjectRole.COORDINATOR
            or viewer_membership.member_type == MemberType.FACILITATOR
        )
    )


def can_see_access_needs(
    viewer: User,
    viewer_membership: Membership | None,
    person: User,
    person_profile: Profile | None,
) -> bool:
    if viewer.pk == person.pk:
        return True
    if arranges_support(viewer, viewer_membership):
        return True
    shared = person_profile is not None and person_profile.share_access_with_group
    return shared and viewer_membership is not None and viewer_membership.is_current


def can_administer_privacy(user: User | AnonymousUser) -> bool:
    """Publishing the privacy notice and deciding erasure requests."""
    return isinstance(user, User) and user.is_administrator
