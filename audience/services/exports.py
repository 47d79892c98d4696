"""Contacts as CSV, streamed: keyset pages of ``CHUNK`` contacts, their tags in one query each.

The columns are the ones the importer reads back (``phone, email, first_name, …, tags`` and
one column per attribute key), so an export re-imports as it is.
"""

import csv
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet

from accounts.models import Account
from audience.models import AttributeDefinition, Contact

CHUNK = 2_000
COLUMNS = [
    "phone",
    "email",
    "first_name",
    "last_name",
    "country",
    "timezone",
    "subscribed",
    "tags",
    "created_at",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in free text (numbers such as +3361… stay as they are).

    Every CSV we hand out that holds text people typed goes through this one function: the
    exports here and the rejected rows of an import."""
    if value and value.startswith(_FORMULA_START):
        if not value.lstrip("+-").replace(".", "", 1).isdigit():
            return "'" + value
    return value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell_safe(str(value))


def contacts_export_csv(
    *, account: Account, queryset: QuerySet[Contact] | None = None
) -> Iterator[str]:
    """Yield the CSV lines of ``queryset`` (default: all the account's contacts)."""
    if queryset is None:
        queryset = Contact.objects.for_account(account)
    queryset = queryset.filter(account=account)
    keys = list(
        AttributeDefinition.objects.for_account(account)
        .order_by("key")
        .values_list("key", flat=True)
    )
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS + keys)
    through = Contact.tags.through
    fields = ["id", *[c for c in COLUMNS if c != "tags"], "attributes"]
    last_id = 0
    while True:
        page = list(queryset.filter(pk__gt=last_id).order_by("pk").values(*fields)[:CHUNK])
        if not page:
            return
        last_id = page[-1]["id"]
        tags: defaultdict[int, list[str]] = defaultdict(list)
        for contact_id, name in (
            through.objects.filter(contact_id__in=[c["id"] for c in page])
            .order_by("tag__name")
            .values_list("contact_id", "tag__name")
        ):
            tags[contact_id].append(name)
        lines: list[str] = []
        for c in page:
            attributes = c["attributes"] or {}
            row = [
                c["phone"] or "",
                _cell(c["email"]),
                _cell(c["first_name"]),
                _cell(c["last_name"]),
                c["country"],
                c["timezone"],
                "true" if c["subscribed"] else "false",
                _cell(";".join(tags.get(c["id"], []))),
                c["created_at"].isoformat(),
                *[_cell(attributes.get(k)) for k in keys],
            ]
            lines.append(writer.writerow(row))
        yield "".join(lines)
