"""People in the record: named accounts, their roles, and what a username and a password
must be. Accounts are disabled, never deleted, and a username is never used twice."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.text import check_name, not_text

#: A password shorter than this is refused (NIST SP 800-63B asks for at least 8; a clinic
#: workstation shared by many deserves more).
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


class Role(StrEnum):
    NURSE = "nurse"
    PHYSICIAN = "physician"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    disabled: bool
    created_at: datetime
    #: Someone else set the password (an administrator adding the account or resetting it):
    #: they know it too, so the person chooses their own before charting.
    must_choose_password: bool = False

    @property
    def activity(self) -> str:
        """How an account stands, in the words the accounts table and `users list` use."""
        if self.disabled:
            return "disabled"
        return "active, first login due" if self.must_choose_password else "active"

    @property
    def roles_label(self) -> str:
        return ", ".join(role.label for role in Role if role in self.roles)


#: Names the app writes in the audit trail's `user` for what no person did: the room's
#: alerts, the monitors' frames, an upgrade or restore. An account by one of these names would
#: make a person's rows look like the machine's (and the machine's like theirs).
RESERVED_USERNAMES = frozenset({"room", "monitor", "ketamonitor"})


def check_username(text: str) -> str:
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValidationError({"username": "required"})
    if not _USERNAME.match(cleaned):
        raise ValidationError({"username": "3-32 lowercase letters, digits, . _ or -, "
                                           "starting with a letter or digit"})
    if cleaned in RESERVED_USERNAMES:
        raise ValidationError({"username": f"“{cleaned}” is the name the app records for "
                                           "what no person did: choose another"})
    return cleaned


def check_display_name(text: str) -> str:
    """The printed name a signature shows ("Dr Ada Obi")."""
    try:
        return check_name("display_name", text)  # no control character: it is printed
    except ValidationError as refused:
        if refused.reasons["display_name"] == "required":
            raise ValidationError({"display_name": "required: the name signatures will "
                                                   "show"}) from None
        raise


def check_password(text: str) -> str:
    if not isinstance(text, str) or not_text(text):
        raise ValidationError({"password": "holds characters that are not text (bytes in "
                                           "another encoding than UTF-8)"})
    if len(text) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": f"at least {MIN_PASSWORD_LENGTH} characters"})
    if len(text) > MAX_PASSWORD_LENGTH:
        raise ValidationError({"password": f"at most {MAX_PASSWORD_LENGTH} characters"})
    return text


def password_is_temporary(username: str, set_by: str) -> bool:
    """A password is the person's own only when they set it themselves; one an administrator
    typed is a way in once, to choose their own: the administrator knows it, and a
    signature must be the signer's alone."""
    return set_by != username


def check_roles(names: Iterable[str]) -> frozenset[Role]:
    roles = set()
    for name in names:
        try:
            roles.add(Role(name.strip().lower()))
        except ValueError:
            raise ValidationError({"roles": f"{name!r} is not a role (nurse, physician, "
                                            "administrator)"}) from None
    if not roles:
        raise ValidationError({"roles": "choose at least one role"})
    return frozenset(roles)
