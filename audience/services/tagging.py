"""Tags added to, or removed from, many contacts in one call (the API's ``/contacts/tags``).

Set-based: the account's contacts among the ids are found in a few queries, the links are
inserted with one statement (``contacts.links_add``, which tells ``ports.tags_added`` about
the ones that are new, as every other path that adds tags does) and removed with another.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Account
from audience.models import Contact, Tag
from audience.services.contacts import (
    Problem,
    links_add,
    problems_error,
    tags_clean,
    tags_ensure,
)

TAG_CALL_LIMIT = 100_000  # contact ids per call
_CHUNK = 10_000  # ids per query: under SQLite's limit of parameters


@dataclass(frozen=True)
class TagChange:
    added: int  # links that did not exist before
    removed: int
    not_found: int  # ids that are no contact of the account


def _account_contacts(account: Account, ids: list[int]) -> list[int]:
    found: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found += Contact.objects.filter(account=account, pk__any_of=chunk).values_list(
            "pk", flat=True
        )
    return sorted(found)


@transaction.atomic
def contacts_tag(
    *, account: Account, contact_ids: list[int], add: object = None, remove: object = None
) -> TagChange:
    """Add the ``add`` tags to the account's contacts among ``contact_ids`` and remove the
    ``remove`` ones; another account's id counts as not found and is left alone."""
    problems: list[Problem] = []
    to_add = tags_clean(add, problems)
    to_remove = tags_clean(remove, problems)
    if not to_add and not to_remove and not problems:
        problems.append({"field": "add", "message": "Name a tag to add or to remove."})
    if set(to_add) & set(to_remove):
        problems.append({"field": "remove", "message": "A tag cannot be added and removed."})
    if len(contact_ids) > TAG_CALL_LIMIT:
        problems.append(
            {"field": "contactIds", "message": f"At most {TAG_CALL_LIMIT:,} contacts per call."}
        )
    if problems:
        raise problems_error(problems)
    ids = sorted(set(contact_ids))
    found = _account_contacts(account, ids)
    added: list[tuple[int, int]] = []
    if to_add and found:
        tag_ids = tags_ensure(account=account, names=to_add).values()
        added = links_add(account=account, pairs=[(c, t) for c in found for t in tag_ids])
    removed = 0
    if to_remove and found:
        gone = list(
            Tag.objects.for_account(account).filter(name__in=to_remove).values_list("pk", flat=True)
        )
        through = Contact.tags.through
        for start in range(0, len(found), _CHUNK):
            removed += through.objects.filter(
                contact_id__in=found[start : start + _CHUNK], tag_id__in=gone
            ).delete()[0]
    return TagChange(added=len(added), removed=removed, not_found=len(ids) - len(found))
