"""Django's ModelBackend, reading the signed-in person in one plain statement.

Every signed-in page reads its person after its session. Through the ORM, compiling that
query cost several times what the database took to answer it; this asks for the same row
directly and builds the same `User` (see `coproduce.lib.queries`). Signing in, passwords and
permissions stay Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from coproduce.lib.queries import columns, models_of_row, table

# What a session names as the backend that signed its person in.
BACKEND = "accounts.backends.UserBackend"
# Sessions begun before this backend name Django's; they are read as ours, so nobody is
# signed out by the change.
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns(User, 'u')} FROM {table(User)} u WHERE u.id = %s",  # noqa: S608  # our own table; the key goes as a parameter
                [pk],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        [user] = models_of_row(row, [User])
        assert isinstance(user, User)
        return user if self.user_can_authenticate(user) else None
