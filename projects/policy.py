"""Who may do what in a project. Every project view asks these, through projects.lookups.

Organisation coordinators and administrators run every project; inside a project the
chair, co-chair and the project's coordinator lead it; everyone else who belongs sees it.

Access requirements are special-category data under UK GDPR. The person always sees their
own. In a project, its coordinators and facilitators can (they arrange support), and so can
the organisation's coordinators. Other members of the project can only if the person has
chosen to share with their group. Everyone but the person must state why, and each viewing
is recorded.
"""

from django.contrib.auth.models import AnonymousUser

from accounts.models import OrgRole, User
from people.models import MemberType, Profile
from projects.models import Membership, ProjectRole

AnyUser = User | AnonymousUser


def can_create_project(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_coordinator


def can_view_project(user: AnyUser, membership: Membership | None) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_coordinator or (membership is not None and membership.is_current)


def can_manage_project(user: AnyUser, membership: Membership | None) -> bool:
    """Edit the project, invite people, change roles and remove members."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_coordinator or (membership is not None and membership.leads)


def can_see_contact_details(user: AnyUser, membership: Membership | None) -> bool:
    # Email addresses are personal data: only the people who organise the group need them.
    return can_manage_project(user, membership)


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
    shared = person_profile is not None and person_profile.share_access_with_group
    return can_see_access_needs_of(viewer, viewer_membership, person.pk, shared=shared)


def can_see_access_needs_of(
    viewer: User, viewer_membership: Membership | None, person_pk: int, *, shared: bool
) -> bool:
    """As `can_see_access_needs`, from the person's id and whether they share with their
    group: for lists that fetch only those."""
    if viewer.pk == person_pk:
        return True
    if arranges_support(viewer, viewer_membership):
        return True
    return shared and viewer_membership is not None and viewer_membership.is_current
