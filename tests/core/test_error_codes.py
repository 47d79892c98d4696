"""Error codes are enum members (``<app>/error_codes.py``); no code is raised that they lack.

The source is read with ``ast``, so a raise site counts even when no test reaches it. Three
places hold a code: ``code = ...`` in the body of an ``ApplicationError`` subclass, the
``code=`` argument of one's construction, and ``"code"`` beside ``"detail"`` in an error
answer written as a dict.
"""

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from accounts.error_codes import AccountErrorCode
from audience.error_codes import AudienceErrorCode
from campaigns.error_codes import CampaignErrorCode
from core.api import ErrorOut
from core.error_codes import CoreErrorCode, ErrorCode, error_codes_all
from delivery.error_codes import DeliveryErrorCode
from templates_app.error_codes import TemplateErrorCode

ROOT = Path(__file__).resolve().parents[2]

# Files that still write codes as strings: the send path, which issue 11 moves to delivery/.
# Their strings must still be codes of an enum; the move names them by member and empties this.
LITERALS_PENDING: set[str] = set()


def _sources() -> dict[str, ast.Module]:
    packages = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "config"]
    return {
        path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(), filename=str(path))
        for package in packages
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
    }


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(sources: dict[str, ast.Module]) -> set[str]:
    """The names of ``ApplicationError`` and of every class that derives from it."""
    family = {"ApplicationError"}
    classes = [
        n for tree in sources.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
    ]
    grown = True
    while grown:
        found = {c.name for c in classes if any(_name(b) in family for b in c.bases)}
        grown = not found <= family
        family |= found
    return family


def _code_sites(sources: dict[str, ast.Module]) -> list[tuple[str, int, ast.expr]]:
    family = _error_classes(sources)
    sites = []
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in family:
                for statement in node.body:
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                        if isinstance(statement, ast.AnnAssign) and statement.value
                        else []
                    )
                    if any(_name(t) == "code" for t in targets):
                        sites.append((path, statement.lineno, statement.value))
            elif isinstance(node, ast.Call) and _name(node.func) in family:
                sites += [(path, k.value.lineno, k.value) for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Dict):
                keys = {
                    k.value: v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
                if "detail" in keys and "code" in keys:
                    sites.append((path, keys["code"].lineno, keys["code"]))
    return sites


def test_every_code_raised_is_an_enum_member():
    # given every place in the source that gives an error its code
    enums = {enum.__name__: enum for enum in ErrorCode.__subclasses__()}
    codes = {code.value for code in error_codes_all()}
    sites = _code_sites(_sources())
    assert len(sites) > 20  # the scan finds the raise sites (26 when this was written)

    # then each names an enum's member, or is a string of one in a file still to switch
    for path, line, value in sites:
        where = f"{path}:{line}"
        if isinstance(value, ast.Constant):
            assert value.value in codes, f"{where}: “{value.value}” is in no ErrorCode enum"
            assert path in LITERALS_PENDING, f"{where}: name the code by its enum member"
        elif isinstance(value, ast.Attribute) and value.attr.isupper():  # not ``exc.code``
            enum = enums.get(_name(value.value) or "")
            assert enum is not None, f"{where}: {ast.unparse(value)} is in no ErrorCode enum"
            assert value.attr in enum.__members__, f"{where}: {enum.__name__} has no {value.attr}"


def test_pending_literals_are_still_there():
    # then the list of files still to switch names only files that write codes as strings
    literal_paths = {
        path for path, _, value in _code_sites(_sources()) if isinstance(value, ast.Constant)
    }
    assert LITERALS_PENDING <= literal_paths, "switched: take it off LITERALS_PENDING"


def test_each_app_has_its_enum_and_no_code_is_in_two():
    # when
    codes = error_codes_all()

    # then every app's enum is found, and a code means one thing
    for enum in (
        CoreErrorCode,
        AccountErrorCode,
        AudienceErrorCode,
        TemplateErrorCode,
        CampaignErrorCode,
        DeliveryErrorCode,
    ):
        assert set(enum) <= set(codes), enum.__name__
    values = [code.value for code in codes]
    assert len(values) == len(set(values))


def test_error_answer_schema_takes_codes_and_refuses_other_strings():
    # when
    answer = ErrorOut(detail="Nope.", code="not_editable")

    # then the code is the member, and JSON has its string
    assert answer.code is CampaignErrorCode.NOT_EDITABLE
    assert answer.model_dump(mode="json")["code"] == "not_editable"
    with pytest.raises(ValidationError):
        ErrorOut(detail="Nope.", code="not_a_code")
