"""Properties of the sandboxed renderer over arbitrary input (hypothesis)."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from templates_app.rendering import TemplateSyntaxProblem, template_render, template_variables

# Any text at all, then with the two markup openers taken out.
plain_text = st.text().map(lambda s: s.replace("{{", "{ {").replace("{%", "{ %"))

markup_pieces = st.sampled_from(
    [
        "{{",
        "}}",
        "{%",
        "%}",
        "if ",
        "else",
        "elif ",
        "endif",
        "|",
        ".",
        "1",
        "x",
        " ",
        "\n",
        '"',
        "==",
        "not ",
        "(",
        ")",
        "__class__",
        "__import__('os')",
    ]
)
markupish_text = st.lists(st.one_of(markup_pieces, st.text(max_size=5)), max_size=30).map("".join)


@settings(max_examples=300)
@given(text=plain_text)
def test_text_without_markup_renders_unchanged_and_has_no_variables(text):
    assert template_render(text, context={"x": "y"}) == text
    assert template_variables(text) == []


@settings(max_examples=200)
@given(text=markupish_text)
def test_arbitrary_text_renders_or_raises_a_syntax_problem_only(text):
    outcome = None
    try:
        outcome = template_render(text, context={"x": "1", "attributes": {"vip": True}})
    except TemplateSyntaxProblem as problem:
        outcome = problem
    if isinstance(outcome, TemplateSyntaxProblem):
        assert "line" in outcome.message
        assert 0 <= outcome.extra["position"] <= len(text)
    else:
        assert isinstance(outcome, str)


class Trap:
    """Any attribute access or call on this object would be recorded."""

    touched: list = []

    def __getattribute__(self, name):
        Trap.touched.append(name)
        return object.__getattribute__(self, name)

    def __str__(self):
        Trap.touched.append("__str__")
        return "trap"


names = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,8}(\.[A-Za-z0-9_]{1,8}){0,3}\Z")


@settings(max_examples=100)
@given(name=names, op=st.sampled_from(["", " == 1", " != 'a'", " > 2"]))
def test_placeholders_and_conditions_never_reach_into_objects(name, op):
    # given an object under a dotted path: reaching *into* it would be evaluating code
    Trap.touched = []
    context = {"obj": Trap(), "data": {"obj": Trap()}}
    text = f"{{{{obj.{name}}}}}{{{{data.obj.{name}}}}}{{% if obj.{name}{op} %}}x{{% endif %}}"

    # when
    rendered = template_render(text, context=context)

    # then nothing of the object was read or called: it counts as missing
    missing_matches = op == " != 'a'"
    assert rendered == ("x" if missing_matches else "")
    assert Trap.touched == []


@given(text=st.text(alphabet=string.printable, max_size=60))
def test_rendering_is_pure_same_input_same_output(text):
    context = {"first_name": "Ada"}
    try:
        first = template_render(text, context=context)
    except TemplateSyntaxProblem:
        return
    assert template_render(text, context=context) == first
