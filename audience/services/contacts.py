"""Contact writes: one cleaning path and one set-based upsert for the API, bulk calls and imports.

An *item* is a dict of the fields a caller gave, in model names (``first_name``,
``attributes``: ``{key: value}``, ``tags``: ``[name]``); absent keys leave a stored contact's
value alone. ``contact_item_clean`` turns it into stored values or per-field problems;
``contacts_upsert`` writes a batch of clean items with a fixed number of queries whatever the
batch size (one SELECT of existing phones, bulk_create, bulk_update, bulk tag links).
"""

import json
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from audience import ports
from audience.models import AttributeDefinition, Contact, Tag
from audience.phones import InvalidPhone, phone_parse
from audience.services.attributes import (
    KEY_RE,
    AttributeValue,
    AttributeValueError,
    attribute_coerce,
    attribute_infer_json_type,
    attributes_ensure,
)
from core.bulk import arrays_insert, values_update
from core.errors import ValidationFailed

BULK_LIMIT = 10_000
NAME_MAX = 100
TAG_MAX = 64
CONTACT_FIELDS = ("phone", "email", "first_name", "last_name", "timezone", "country", "subscribed")
_ZONES = zoneinfo.available_timezones()
# Plain addresses (nearly all) pass this stricter pattern without Django's slower validator;
# anything else still goes through validate_email.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9_%+-]+(\.[a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_API_NAMES = {"first_name": "firstName", "last_name": "lastName"}

# ``{"field": …, "message": …}``, the API's shape of one problem.
Problem = dict[str, str]
# A cleaned item: stored values by model field name (``phone`` may be None: remove it), plus
# ``_derived_timezone`` (the phone's zone), ``tags`` (names) and ``attributes`` ({key: value,
# None removes it}). Its values differ in type by key, hence Any.
CleanItem = dict[str, Any]


class ItemErrors(TypedDict):
    index: int
    errors: list[Problem]


class BulkUpsertAnswer(TypedDict):
    created: int
    updated: int
    failed: int
    errors: list[ItemErrors]


def api_field(name: str) -> str:
    """The JSON name of a model field, for error paths."""
    return _API_NAMES.get(name, name)


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    # index of each input in the batch → "created" | "updated"
    outcome: dict[int, str] = field(default_factory=dict)


def _problem(name: str, message: str) -> Problem:
    return {"field": api_field(name), "message": message}


def _clean_text(
    value: object, name: str, problems: list[Problem], max_length: int = NAME_MAX
) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > max_length:
        problems.append(_problem(name, f"Must be at most {max_length} characters."))
    return text


def tags_clean(value: object, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        problems.append(_problem("tags", "Must be a list of tag names."))
        return []
    names: list[str] = []
    for raw in value:
        name = str(raw).strip() if raw is not None else ""
        if not name:
            continue
        if len(name) > TAG_MAX:
            problems.append(_problem("tags", f"A tag name is at most {TAG_MAX} characters."))
            continue
        if name not in names:
            names.append(name)
    return names


def contact_item_clean(
    item: dict[str, Any],
    *,
    region: str,
    definitions: dict[str, AttributeDefinition],
    require_phone: bool,
) -> tuple[CleanItem, list[Problem]]:
    """Stored values for the fields ``item`` gives, and ``[{field, message}]`` problems.

    Phones become E.164; a phone also sets ``country`` (and ``timezone`` unless one is given:
    the caller keeps an existing contact's zone, see ``contacts_upsert``).
    """
    clean: CleanItem = {}
    problems: list[Problem] = []
    if "phone" in item and item["phone"] not in (None, ""):
        try:
            parsed = phone_parse(item["phone"], region=region)
        except InvalidPhone as exc:
            problems.append(_problem("phone", exc.message))
        else:
            clean["phone"] = parsed.e164
            clean["country"] = parsed.country
            clean["_derived_timezone"] = parsed.timezone
    elif require_phone:
        problems.append(_problem("phone", "A phone number is required."))
    elif "phone" in item:
        clean["phone"] = None
    if "email" in item:
        email = "" if item["email"] is None else str(item["email"]).strip().lower()
        if email and not (len(email) <= 254 and _PLAIN_EMAIL.match(email)):
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_problem("email", f"“{email}” is not a valid email address."))
        clean["email"] = email
    for name in ("first_name", "last_name"):
        if name in item:
            clean[name] = _clean_text(item[name], name, problems)
    if item.get("timezone") not in (None, ""):
        zone = str(item["timezone"]).strip()
        if zone not in _ZONES:
            problems.append(_problem("timezone", f"“{zone}” is not a known IANA time zone."))
        clean["timezone"] = zone
    if "country" in item and "country" not in clean:
        country = "" if item["country"] is None else str(item["country"]).strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            problems.append(_problem("country", "Use a two-letter ISO country code."))
        clean["country"] = country
    if "subscribed" in item and item["subscribed"] not in (None, ""):
        try:
            clean["subscribed"] = attribute_coerce(item["subscribed"], type="boolean")
        except AttributeValueError:
            problems.append(_problem("subscribed", "Must be true or false."))
    if "tags" in item:
        clean["tags"] = tags_clean(item["tags"], problems)
    if "attributes" in item:
        attributes = item["attributes"]
        if attributes is None:
            attributes = {}
        if not isinstance(attributes, dict):
            problems.append(_problem("attributes", "Must be an object of key → value."))
        else:
            values: dict[str, AttributeValue | None] = {}
            for key, value in attributes.items():
                definition = definitions.get(key)
                if definition is None:
                    problems.append(_problem(f"attributes.{key}", "Unknown attribute."))
                    continue
                if value is None or value == "":
                    values[key] = None  # removes the attribute
                    continue
                try:
                    values[key] = attribute_coerce(value, type=definition.type)
                except AttributeValueError as exc:
                    problems.append(_problem(f"attributes.{key}", f"{definition.type}: {exc}"))
            clean["attributes"] = values
    return clean, problems


def contact_attributes_prepare(
    *, account: Account, items: list[dict[str, Any]]
) -> dict[str, AttributeDefinition]:
    """Definitions for every attribute key the items use, creating unknown keys (typed by
    their first JSON value) so that API writers need not declare each attribute first."""
    wanted: dict[str, tuple[str, str]] = {}
    for item in items:
        attributes = item.get("attributes")
        if isinstance(attributes, dict):
            for key, value in attributes.items():
                if isinstance(key, str) and KEY_RE.match(key) and key not in wanted:
                    if value is not None and value != "":
                        wanted[key] = (key, attribute_infer_json_type(value))
    return attributes_ensure(account=account, wanted=wanted)


def _apply(
    contact: "Contact | _NewContact", clean: CleanItem, now: datetime, *, is_new: bool
) -> set[str]:
    changed: set[str] = set()
    if (
        not is_new
        and contact.email_bounced_at is not None
        and "email" in clean
        and (clean["email"] or "").lower() != (contact.email or "").lower()
    ):
        # The bounce was the old address's: a new one is worth trying.
        contact.email_bounced_at, contact.email_bounce_reason = None, ""
        changed.update({"email_bounced_at", "email_bounce_reason"})
    for name in CONTACT_FIELDS:
        if name in clean and name != "subscribed":
            setattr(contact, name, clean[name])
            changed.add(name)
    if "timezone" not in clean and clean.get("_derived_timezone") and not contact.timezone:
        contact.timezone = clean["_derived_timezone"]
        changed.add("timezone")
    if "subscribed" in clean and (is_new or clean["subscribed"] != contact.subscribed):
        contact.subscribed = clean["subscribed"]
        contact.unsubscribed_at = None if clean["subscribed"] else now
        changed.update({"subscribed", "unsubscribed_at"})
    if clean.get("attributes"):
        merged = dict(contact.attributes or {})
        for key, value in clean["attributes"].items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        contact.attributes = merged
        changed.add("attributes")
    return changed


def _merge_clean(first: CleanItem, later: CleanItem) -> CleanItem:
    merged = {**first, **later}
    if "attributes" in first and "attributes" in later:
        merged["attributes"] = {**first["attributes"], **later["attributes"]}
    if "tags" in first and "tags" in later:
        merged["tags"] = list(dict.fromkeys(first["tags"] + later["tags"]))
    return merged


def tags_ensure(*, account: Account, names: Iterable[str]) -> dict[str, int]:
    """``{name: tag id}`` for ``names``, creating missing tags in one insert."""
    names = set(names)
    if not names:
        return {}
    found = dict(Tag.objects.for_account(account).filter(name__in=names).values_list("name", "id"))
    missing = names - found.keys()
    if missing:
        Tag.objects.bulk_create(
            [Tag(account=account, name=n) for n in missing], ignore_conflicts=True
        )
        found = dict(
            Tag.objects.for_account(account).filter(name__in=names).values_list("name", "id")
        )
    return found


def _link_tags(*, account: Account, pairs: list[tuple[int, str]], replace_for: list[int]) -> None:
    """Give contacts their tags: ``pairs`` added, and for ``replace_for`` contacts, their other
    tags removed. Links a contact already had are kept, not removed and added again, so
    ``ports.tags_added`` hears of genuinely new tags only (a journey starts on a tag once)."""
    through = Contact.tags.through
    ids = tags_ensure(account=account, names={name for _, name in pairs})
    wanted = {(cid, ids[name]) for cid, name in pairs}
    replaced = set(replace_for)
    contact_ids = sorted({cid for cid, _ in wanted} | replaced)
    current: set[tuple[int, int]] = set()
    stale: list[int] = []
    for start in range(0, len(contact_ids), 10_000):  # under SQLite's limit of parameters
        rows = through.objects.filter(contact_id__in=contact_ids[start : start + 10_000])
        for pk, cid, tag_id in rows.values_list("pk", "contact_id", "tag_id"):
            current.add((cid, tag_id))
            if cid in replaced and (cid, tag_id) not in wanted:
                stale.append(pk)
    for start in range(0, len(stale), 10_000):
        through.objects.filter(pk__in=stale[start : start + 10_000]).delete()
    links_add(account=account, pairs=sorted(wanted - current), checked=True)


def links_add(
    *, account: Account, pairs: list[tuple[int, int]], checked: bool = False
) -> list[tuple[int, int]]:
    """Insert (contact id, tag id) links that do not exist yet, tell ``ports.tags_added``
    about them (in the caller's transaction), and answer them. ``checked``: the caller read
    the contacts' links and passes only missing ones (SQLite then skips reading them again;
    PostgreSQL's ``RETURNING`` says what was inserted either way)."""
    if not pairs:
        return []
    through = Contact.tags.through
    if connection.vendor == "postgresql":
        rows = arrays_insert(
            through._meta.db_table,
            (("contact_id", "bigint"), ("tag_id", "bigint")),
            [[cid for cid, _ in pairs], [tid for _, tid in pairs]],
            tail="ON CONFLICT DO NOTHING RETURNING contact_id, tag_id",
        )
        added = [(int(cid), int(tid)) for cid, tid in rows]
    elif checked:
        added = list(dict.fromkeys(pairs))
        through.objects.bulk_create(
            [through(contact_id=cid, tag_id=tid) for cid, tid in added], ignore_conflicts=True
        )
    else:
        added = []
        unique = list(dict.fromkeys(pairs))
        for start in range(0, len(unique), 2000):  # under SQLite's limit of parameters
            chunk = unique[start : start + 2000]
            existing = set(
                through.objects.filter(
                    contact_id__in={cid for cid, _ in chunk}, tag_id__in={t for _, t in chunk}
                ).values_list("contact_id", "tag_id")
            )
            new = [pair for pair in chunk if pair not in existing]
            through.objects.bulk_create(
                [through(contact_id=cid, tag_id=tid) for cid, tid in new], ignore_conflicts=True
            )
            added += new
    if added:
        ports.tags_added.send(sender=Contact, account=account, pairs=added)
    return added


_NEW_FIELDS = [f for f in Contact._meta.concrete_fields if not f.primary_key]
# Each field's default, worked out once: Field.get_default() per field and row was ~8 % of
# an import's time. Callable defaults (the attributes dict) still run per row.
_DEFAULTS = [
    (f.attname, f.default if f.has_default() and callable(f.default) else None, f.get_default())
    for f in _NEW_FIELDS
]


class _NewContact:
    """A contact about to be inserted: plain attributes, so the hot path skips Model.__init__
    (the ORM fallback turns these into ``Contact`` objects)."""

    __slots__ = ("pk", *[f.attname for f in _NEW_FIELDS])
    # The fields the upsert reads or writes, declared for the type checker (the slots hold
    # every column).
    pk: int | None
    account_id: int
    phone: str | None
    email: str | None
    timezone: str
    subscribed: bool
    unsubscribed_at: datetime | None
    email_bounced_at: datetime | None
    email_bounce_reason: str
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def __init__(self, *, account_id: int, now: datetime) -> None:
        self.pk = None
        for name, factory, value in _DEFAULTS:
            setattr(self, name, factory() if factory else value)
        self.account_id = account_id
        self.created_at = now
        self.updated_at = now


def _bulk_insert(new: list[_NewContact]) -> None:
    """``bulk_create`` that sets the new ids.

    On PostgreSQL the rows are COPied straight into the table with ids reserved from its
    sequence: several times faster than a multi-row INSERT built by the ORM, which spends
    most of its time preparing each value in Python. A phone inserted meanwhile by another
    writer fails the COPY with the unique constraint (an ``IntegrityError``, as
    ``bulk_create``).
    """
    if connection.vendor != "postgresql":
        objs = [Contact(**{f.attname: getattr(c, f.attname) for f in _NEW_FIELDS}) for c in new]
        Contact.objects.bulk_create(objs, batch_size=1000)
        if any(c.pk is None for c in objs):  # backends that cannot return ids from bulk inserts
            ids: dict[str | None, int] = dict(
                Contact.objects.filter(account_id=new[0].account_id)
                .filter(phone__in=[c.phone for c in new])
                .values_list("phone", "id")
            )
            for c in objs:
                c.pk = ids[c.phone]
        for row, obj in zip(new, objs, strict=True):
            row.pk = obj.pk
        return
    qn = connection.ops.quote_name
    table = Contact._meta.db_table
    fields = [Contact._meta.pk, *_NEW_FIELDS]
    # Every concrete field has a column; the stubs allow None for any field.
    columns = ", ".join(qn(cast(str, f.column)) for f in fields)
    json_index = fields.index(Contact._meta.get_field("attributes"))
    attnames = [f.attname for f in _NEW_FIELDS]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # Ids taken from the table's sequence up front: COPY cannot return the ids it made.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, Contact._meta.pk.column, len(new)],
        )
        for contact, (pk,) in zip(new, cursor.fetchall(), strict=True):
            contact.pk = pk
        with cursor.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
            for contact in new:
                values = [contact.pk, *(getattr(contact, name) for name in attnames)]
                values[json_index] = json.dumps(values[json_index])
                copy.write_row(values)


def _contacts_with_phones(*, account_id: int, phones: list[str]) -> QuerySet[Contact]:
    """The account's contacts among ``phones``, with the phones as one array parameter.

    The plan depends on the table's statistics: while they say the account is small (its
    first large import), PostgreSQL filters the account's rows with a hashed ``= ANY``
    instead of probing the unique index, which costs ~14 ms per 2,000 phones at 100,000
    contacts and grows with the account. A per-phone ``LATERAL`` probe was tried: in the same
    situation the planner picks the account index inside it too, and each chunk took seconds.
    """
    return Contact.objects.filter(account_id=account_id, phone__any_of=phones)


def _upsert_once(
    *, account: Account, cleans: list[tuple[int, CleanItem]], replace_tags: bool
) -> UpsertResult:
    result = UpsertResult()
    now = timezone.now()
    by_phone: dict[str, CleanItem] = {}
    first_index: dict[str, int] = {}
    for index, clean in cleans:
        phone = clean["phone"]
        if phone in by_phone:
            by_phone[phone] = _merge_clean(by_phone[phone], clean)
            result.outcome[index] = "updated"
        else:
            by_phone[phone] = clean
            first_index[phone] = index
    existing = {
        c.phone: c for c in _contacts_with_phones(account_id=account.pk, phones=list(by_phone))
    }
    new: list[_NewContact] = []
    changed_objs: list[Contact] = []
    fields: set[str] = set()
    for phone, clean in by_phone.items():
        contact = existing.get(phone)
        if contact is None:
            new_contact = _NewContact(account_id=account.pk, now=now)
            _apply(new_contact, clean, now, is_new=True)
            new.append(new_contact)
            result.outcome[first_index[phone]] = "created"
        else:
            fields |= _apply(contact, clean, now, is_new=False)
            contact.updated_at = now
            changed_objs.append(contact)
            result.outcome[first_index[phone]] = "updated"
    if new:
        _bulk_insert(new)
    if changed_objs:
        values_update(Contact, changed_objs, sorted(fields | {"updated_at"}))
    new_by_phone = {c.phone: c for c in new}
    pairs: list[tuple[int, str]] = []
    replace_for: list[int] = []
    for phone, clean in by_phone.items():
        if "tags" in clean:
            contact_id = (existing.get(phone) or new_by_phone[phone]).pk
            assert contact_id is not None  # _bulk_insert gave the new rows their ids
            if phone in existing and replace_tags:
                replace_for.append(contact_id)
            pairs.extend((contact_id, name) for name in clean["tags"])
    _link_tags(account=account, pairs=pairs, replace_for=replace_for)
    result.created = sum(1 for v in result.outcome.values() if v == "created")
    result.updated = len(result.outcome) - result.created
    return result


def contacts_upsert(
    *, account: Account, cleans: list[tuple[int, CleanItem]], replace_tags: bool = False
) -> UpsertResult:
    """Create or update contacts keyed by phone, set-based. ``cleans``: (index, clean item).

    Runs in a savepoint; if a concurrent writer inserted one of the phones in between (unique
    constraint), the batch is retried once and those rows become updates.
    """
    if not cleans:
        return UpsertResult()
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _upsert_once(account=account, cleans=cleans, replace_tags=replace_tags)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def problems_error(problems: list[Problem]) -> ValidationFailed:
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return ValidationFailed(detail, extra={"problems": problems})


def _region(account: Account) -> str:
    return account.default_phone_region or "US"


@transaction.atomic
def contact_create(*, account: Account, data: dict[str, Any]) -> Contact:
    """One contact from API/page data; a phone already in the account is a 422."""
    definitions = contact_attributes_prepare(account=account, items=[data])
    clean, problems = contact_item_clean(
        data, region=_region(account), definitions=definitions, require_phone=False
    )
    if not clean.get("phone") and not clean.get("email") and not problems:
        problems.append(_problem("phone", "Give a phone number or an email address."))
    if (
        clean.get("phone")
        and Contact.objects.for_account(account).filter(phone=clean["phone"]).exists()
    ):
        problems.append(_problem("phone", "a contact with this number exists"))
    if problems:
        raise problems_error(problems)
    contact = Contact(account=account)
    _apply(contact, clean, timezone.now(), is_new=True)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise problems_error([_problem("phone", "a contact with this number exists")]) from None
    if clean.get("tags"):
        _link_tags(account=account, pairs=[(contact.pk, n) for n in clean["tags"]], replace_for=[])
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Change the fields ``data`` gives; attributes merge (null removes one), tags replace."""
    account = contact.account
    definitions = contact_attributes_prepare(account=account, items=[data])
    clean, problems = contact_item_clean(
        data, region=_region(account), definitions=definitions, require_phone=False
    )
    if "phone" in clean and clean["phone"] != contact.phone:
        if clean["phone"] is None and not (clean.get("email", contact.email)):
            problems.append(_problem("phone", "Give a phone number or an email address."))
        elif (
            clean["phone"]
            and Contact.objects.for_account(account)
            .filter(phone=clean["phone"])
            .exclude(pk=contact.pk)
            .exists()
        ):
            problems.append(_problem("phone", "a contact with this number exists"))
        elif clean["phone"] and "timezone" not in clean:
            # A new number moves the contact to that number's zone.
            clean["timezone"] = clean.get("_derived_timezone", "")
    if problems:
        raise problems_error(problems)
    changed = _apply(contact, clean, timezone.now(), is_new=False)
    try:
        with transaction.atomic():
            contact.save(update_fields=sorted(changed | {"updated_at"}))
    except IntegrityError:
        raise problems_error([_problem("phone", "a contact with this number exists")]) from None
    if "tags" in clean:
        _link_tags(
            account=account,
            pairs=[(contact.pk, n) for n in clean["tags"]],
            replace_for=[contact.pk],
        )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    contact.delete()


def contacts_bulk_upsert(*, account: Account, items: list[object]) -> BulkUpsertAnswer:
    """Upsert up to ``BULK_LIMIT`` items keyed by phone; bad items are reported, not written.

    Answers ``{"created", "updated", "failed", "errors": [{"index", "errors": [...]}]}``.
    """
    if len(items) > BULK_LIMIT:
        raise ValidationFailed(
            f"contacts: at most {BULK_LIMIT} contacts per call (got {len(items)}).",
            extra={"problems": [{"field": "contacts", "message": f"At most {BULK_LIMIT}."}]},
        )
    region = _region(account)
    dict_items = [item if isinstance(item, dict) else {} for item in items]
    definitions = contact_attributes_prepare(account=account, items=dict_items)
    cleans: list[tuple[int, CleanItem]] = []
    errors: list[ItemErrors] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": index, "errors": [_problem("", "Must be an object.")]})
            continue
        clean, problems = contact_item_clean(
            item, region=region, definitions=definitions, require_phone=True
        )
        if problems:
            errors.append({"index": index, "errors": problems})
        else:
            cleans.append((index, clean))
    with transaction.atomic():
        result = contacts_upsert(account=account, cleans=cleans)
    return {
        "created": result.created,
        "updated": result.updated,
        "failed": len(errors),
        "errors": errors,
    }
