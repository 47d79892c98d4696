"""The sandboxed renderer for message text that users write.

Message text is data, never code: Django's template engine would let a marketer reach model
methods and filters, so user text goes through this small engine instead. It only looks values
up in plain dicts (never ``getattr``), has no filters, loops or includes, and produces plain
text (pages escape it when they show it).

Syntax
------
``{{1}}``, ``{{first_name}}``, ``{{attributes.city}}``
    A placeholder. Names are letters, digits and underscores, joined by dots to reach into
    nested dicts. Whitespace inside the braces is ignored.
``{{first_name|there}}``
    A placeholder with an inline fallback, used when the value is missing or empty. The
    fallback is literal text (it may be quoted: ``{{first_name|"dear friend"}}``).
``{% if attributes.vip %}…{% elif country == "FR" %}…{% else %}…{% endif %}``
    Conditional blocks, which may nest. A condition is a name (true when its value is truthy),
    a comparison of a name with a quoted string, a number, ``true``/``false`` or another name
    (``==  !=  <  <=  >  >=``), combined with ``not``, ``and``, ``or`` and parentheses.
    Strings compare without regard to case; both sides compare as numbers when both are
    numbers. Empty values, ``0``, ``false``, ``no`` and ``off`` are false.

A value is missing when it is absent, ``None``, an empty string or a dict. It renders as the
inline fallback, else the ``fallbacks`` mapping's entry for its name, else an empty string (or
``TemplateVariableMissing`` with ``strict=True``). Malformed markup raises
``TemplateSyntaxProblem`` naming its line and column.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from core.errors import ValidationFailed
from templates_app.error_codes import TemplateErrorCode

NAME_RE = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")
NUMBERED_RE = re.compile(r"[1-9][0-9]*")
_OPEN_RE = re.compile(r"\{\{|\{%")
_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})
# Deeper nesting is never meant; the limit keeps rendering far from Python's recursion limit.
MAX_NESTING = 32


class TemplateSyntaxProblem(ValidationFailed):
    """Malformed markup; ``extra`` carries ``position`` (0-based offset), ``line``, ``column``."""

    code = TemplateErrorCode.TEMPLATE_SYNTAX


class TemplateVariableMissing(ValidationFailed):
    """A placeholder had no value and no fallback while rendering with ``strict=True``."""

    code = TemplateErrorCode.TEMPLATE_VARIABLE_MISSING


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


def _problem(text: str, pos: int, message: str) -> TemplateSyntaxProblem:
    line, column = _line_col(text, pos)
    full = f"{message} (line {line}, column {column})."
    return TemplateSyntaxProblem(
        full,
        extra={
            "position": pos,
            "line": line,
            "column": column,
            "problems": [{"field": "", "message": full}],
        },
    )


# --- compiled nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Var:
    name: str
    fallback: str | None


@dataclass(frozen=True)
class _Name:
    name: str


@dataclass(frozen=True)
class _Literal:
    value: object


@dataclass(frozen=True)
class _Not:
    operand: object


@dataclass(frozen=True)
class _BoolOp:
    op: str  # "and" | "or"
    operands: tuple


@dataclass(frozen=True)
class _Compare:
    left: object
    op: str
    right: object


@dataclass
class _If:
    branches: list = field(default_factory=list)  # [(condition, [nodes])]
    otherwise: list | None = None


# --- condition expressions ------------------------------------------------------------------

_EXPR_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<number>-?\d+(?:\.\d+)?(?![A-Za-z0-9_.]))
      | (?P<op>==|!=|<=|>=|<|>)
      | (?P<paren>[()])
      | (?P<name>[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def _unquote(token: str) -> str:
    """A quoted literal's text; double quotes read as JSON, so ``json.dumps`` output works."""
    if token[0] == '"':
        try:
            return json.loads(token)
        except ValueError:
            pass
    return re.sub(r"\\(.)", r"\1", token[1:-1])


class _ExprParser:
    """Recursive descent over ``or > and > not > comparison > operand``."""

    def __init__(self, source: str, text: str, pos: int):
        self.text = text
        self.pos = pos
        self.tokens: list[tuple[str, str]] = []
        i = 0
        source = source.rstrip()
        while i < len(source):
            match = _EXPR_TOKEN_RE.match(source, i)
            kind = match.lastgroup if match is not None else None
            if match is None or match.end() == i or kind is None:
                raise _problem(text, pos, f"Cannot read the condition “{source.strip()}”")
            self.tokens.append((kind, match.group(kind)))
            i = match.end()
        self.i = 0
        self.depth = 0

    def fail(self, message: str):
        return _problem(self.text, self.pos, message)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.fail("The condition ends too early")
        self.i += 1
        return token

    def parse(self):
        if not self.tokens:
            raise self.fail("“{% if %}” needs a condition")
        node = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"Unexpected “{self.peek()[1]}” in the condition")
        return node

    def or_expr(self):
        operands = [self.and_expr()]
        while self.peek() == ("name", "or"):
            self.take()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else _BoolOp("or", tuple(operands))

    def and_expr(self):
        operands = [self.not_expr()]
        while self.peek() == ("name", "and"):
            self.take()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else _BoolOp("and", tuple(operands))

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"The condition nests more than {MAX_NESTING} levels deep")

    def not_expr(self):
        if self.peek() == ("name", "not"):
            self.take()
            self.nest()
            return _Not(self.not_expr())
        return self.comparison()

    def comparison(self):
        left = self.operand()
        token = self.peek()
        if token is not None and token[0] == "op":
            self.take()
            return _Compare(left, token[1], self.operand())
        return left

    def operand(self):
        kind, value = self.take()
        if kind == "paren" and value == "(":
            self.nest()
            node = self.or_expr()
            if self.take() != ("paren", ")"):
                raise self.fail("A “(” in the condition is not closed")
            return node
        if kind == "string":
            return _Literal(_unquote(value))
        if kind == "number":
            return _Literal(Decimal(value))
        if kind == "name":
            if value in {"and", "or", "not"}:
                raise self.fail(f"“{value}” needs something to compare")
            if value in {"true", "false"}:
                return _Literal(value == "true")
            return _Name(value)
        raise self.fail(f"Unexpected “{value}” in the condition")


# --- the template parser --------------------------------------------------------------------


@dataclass
class CompiledTemplate:
    nodes: list
    variables: tuple[str, ...]
    # Every placeholder as (name, inline fallback or None), in order, repeats included.
    placeholders: tuple[tuple[str, str | None], ...] = ()
    has_conditions: bool = False

    def render(self, context: dict, fallbacks: dict | None, strict: bool) -> str:
        out: list[str] = []
        _render_nodes(self.nodes, context, fallbacks or {}, strict, out)
        return "".join(out)


def _parse_placeholder(text: str, start: int, inner: str) -> _Var:
    name_part, bar, fallback = inner.partition("|")
    name = name_part.strip()
    if not name:
        raise _problem(text, start, "An empty “{{ }}” placeholder needs a variable name")
    if not NAME_RE.fullmatch(name):
        raise _problem(
            text,
            start,
            f"“{{{{{inner}}}}}” is not a variable: names use letters, digits, underscores and dots",
        )
    if not bar:
        return _Var(name, None)
    fallback = fallback.strip()
    if len(fallback) >= 2 and fallback[0] == fallback[-1] and fallback[0] in "\"'":
        fallback = fallback[1:-1]
    return _Var(name, fallback)


def _collect_names(expr, names: list[str]) -> None:
    if isinstance(expr, _Name):
        names.append(expr.name)
    elif isinstance(expr, _Not):
        _collect_names(expr.operand, names)
    elif isinstance(expr, _BoolOp):
        for operand in expr.operands:
            _collect_names(operand, names)
    elif isinstance(expr, _Compare):
        _collect_names(expr.left, names)
        _collect_names(expr.right, names)


@functools.lru_cache(maxsize=2048)
def template_compile(text: str) -> CompiledTemplate:
    """Parse ``text`` once; the wizard and the send pipeline render the same text many times."""
    root: list = []
    # Each open ``if`` on the stack: (node, the list its current branch appends to, position).
    stack: list[tuple[_If, list, int]] = []
    current = root
    names: list[str] = []
    placeholders: list[tuple[str, str | None]] = []
    has_conditions = False
    pos = 0
    length = len(text)
    while pos < length:
        match = _OPEN_RE.search(text, pos)
        if match is None:
            current.append(text[pos:])
            break
        start = match.start()
        if start > pos:
            current.append(text[pos:start])
        if match.group() == "{{":
            end = text.find("}}", start + 2)
            if end == -1:
                raise _problem(text, start, "“{{” is never closed with “}}”")
            inner = text[start + 2 : end]
            if "{{" in inner or "{%" in inner:
                raise _problem(text, start, "“{{” is never closed with “}}”")
            var = _parse_placeholder(text, start, inner)
            names.append(var.name)
            placeholders.append((var.name, var.fallback))
            current.append(var)
            pos = end + 2
            continue
        end = text.find("%}", start + 2)
        if end == -1:
            raise _problem(text, start, "“{%” is never closed with “%}”")
        inner = text[start + 2 : end]
        if "{%" in inner or "{{" in inner:
            raise _problem(text, start, "“{%” is never closed with “%}”")
        parts = inner.split(None, 1)
        keyword, rest = (parts + ["", ""])[:2] if parts else ("", "")
        if keyword == "if":
            has_conditions = True
            condition = _ExprParser(rest, text, start).parse()
            _collect_names(condition, names)
            if len(stack) >= MAX_NESTING:
                raise _problem(text, start, f"Conditions nest more than {MAX_NESTING} levels deep")
            node = _If(branches=[(condition, [])])
            current.append(node)
            stack.append((node, current, start))
            current = node.branches[0][1]
        elif keyword == "elif":
            if not stack:
                raise _problem(text, start, "“{% elif %}” without an open “{% if %}”")
            if stack[-1][0].otherwise is not None:
                raise _problem(text, start, "“{% elif %}” cannot follow “{% else %}”")
            condition = _ExprParser(rest, text, start).parse()
            _collect_names(condition, names)
            node = stack[-1][0]
            node.branches.append((condition, []))
            current = node.branches[-1][1]
        elif keyword == "else":
            if rest.strip():
                raise _problem(text, start, "“{% else %}” takes no condition")
            if not stack:
                raise _problem(text, start, "“{% else %}” without an open “{% if %}”")
            if stack[-1][0].otherwise is not None:
                raise _problem(text, start, "A second “{% else %}” in the same “{% if %}”")
            node = stack[-1][0]
            node.otherwise = []
            current = node.otherwise
        elif keyword == "endif":
            if rest.strip():
                raise _problem(text, start, "“{% endif %}” takes nothing after it")
            if not stack:
                raise _problem(text, start, "“{% endif %}” without an open “{% if %}”")
            _, parent, _ = stack.pop()
            current = parent
        else:
            shown = inner.strip() or " "
            raise _problem(
                text,
                start,
                f"Unknown block “{{% {shown} %}}”: only if, elif, else and endif exist",
            )
        pos = end + 2
    if stack:
        raise _problem(text, stack[-1][2], "This “{% if %}” is never closed with “{% endif %}”")
    return CompiledTemplate(
        nodes=root,
        variables=tuple(dict.fromkeys(names)),
        placeholders=tuple(placeholders),
        has_conditions=has_conditions,
    )


# --- evaluation -----------------------------------------------------------------------------


def _lookup(context: dict, name: str):
    """Plain-dict lookup only: a flat key first (``"attributes.city"``), then the dotted path."""
    if name in context:
        return context[name]
    value = context
    for part in name.split("."):
        if not issubclass(type(value), dict) or part not in value:
            return None
        value = value[part]
    return value


def _is_missing(value) -> bool:
    return value is None or issubclass(type(value), dict) or (type(value) is str and not value)


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value if not _is_missing(v))
    return str(value)


def _truthy(value) -> bool:
    if _is_missing(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE_WORDS
    if isinstance(value, list | tuple):
        return bool(value)
    return bool(value)


def _as_number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _compare(left, op: str, right) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = _truthy(left), _truthy(right)
    else:
        ln, rn = _as_number(left), _as_number(right)
        if ln is not None and rn is not None:
            left, right = ln, rn
        else:
            left = "" if _is_missing(left) else _as_text(left).casefold()
            right = "" if _is_missing(right) else _as_text(right).casefold()
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    try:
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


def _evaluate(expr, context: dict):
    if isinstance(expr, _Name):
        return _lookup(context, expr.name)
    if isinstance(expr, _Literal):
        return expr.value
    if isinstance(expr, _Not):
        return not _truthy(_evaluate(expr.operand, context))
    if isinstance(expr, _BoolOp):
        if expr.op == "and":
            return all(_truthy(_evaluate(o, context)) for o in expr.operands)
        return any(_truthy(_evaluate(o, context)) for o in expr.operands)
    return _compare(_evaluate(expr.left, context), expr.op, _evaluate(expr.right, context))


def _render_nodes(nodes: list, context: dict, fallbacks: dict, strict: bool, out: list) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Var):
            value = _lookup(context, node.name)
            if _is_missing(value):
                value = node.fallback if node.fallback is not None else fallbacks.get(node.name)
            if _is_missing(value):
                if strict:
                    raise TemplateVariableMissing(
                        f"No value for “{{{{{node.name}}}}}” and no fallback.",
                        extra={"problems": [{"field": node.name, "message": "No value."}]},
                    )
                continue
            out.append(_as_text(value))
        else:
            for condition, body in node.branches:
                if _truthy(_evaluate(condition, context)):
                    _render_nodes(body, context, fallbacks, strict, out)
                    break
            else:
                if node.otherwise is not None:
                    _render_nodes(node.otherwise, context, fallbacks, strict, out)


# --- public API -----------------------------------------------------------------------------


def template_variables(text: str) -> list[str]:
    """Every variable the text uses (placeholders and conditions), once, in order of use."""
    return list(template_compile(text or "").variables)


def template_check(text: str) -> None:
    """Raise ``TemplateSyntaxProblem`` if ``text`` cannot be rendered."""
    template_compile(text or "")


def template_render(
    text: str, *, context: dict, fallbacks: dict | None = None, strict: bool = False
) -> str:
    return template_compile(text or "").render(context, fallbacks, strict)


class MessageContact(Protocol):
    """What message text may read of a contact: ``audience.models.Contact``, which this app
    cannot import (the siblings are independent), is one."""

    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def attributes(self) -> object: ...


def contact_context(contact: MessageContact) -> dict:
    """The variables a contact offers to message text; custom attributes under ``attributes``."""
    attributes = contact.attributes if isinstance(contact.attributes, dict) else {}
    return {
        "phone": contact.phone or "",
        "email": contact.email or "",
        "first_name": contact.first_name or "",
        "last_name": contact.last_name or "",
        "full_name": f"{contact.first_name or ''} {contact.last_name or ''}".strip(),
        "country": contact.country or "",
        "timezone": contact.timezone or "",
        "attributes": dict(attributes),
    }


CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "phone",
    "email",
    "country",
    "timezone",
)
