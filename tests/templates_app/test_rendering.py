import json

import pytest
from django.template import Context, Template

from core.errors import ValidationFailed
from templates_app.rendering import (
    TemplateSyntaxProblem,
    TemplateVariableMissing,
    contact_context,
    template_render,
    template_variables,
)
from tests.factories import ContactFactory


def test_numbered_named_and_dotted_variables_are_replaced():
    # given
    text = "Hi {{first_name}}, code {{1}} for {{ attributes.city }}."
    context = {"first_name": "Ada", "1": "SPRING", "attributes": {"city": "Lyon"}}

    # when
    rendered = template_render(text, context=context)

    # then
    assert rendered == "Hi Ada, code SPRING for Lyon."


def test_variables_are_listed_once_in_order_of_appearance():
    text = "{{2}} {{first_name}} {{1}} {{first_name}} {% if attributes.vip %}{{2}}{% endif %}"

    assert template_variables(text) == ["2", "first_name", "1", "attributes.vip"]


def test_flat_dotted_key_wins_over_nested_lookup():
    rendered = template_render(
        "{{attributes.city}}", context={"attributes.city": "Nice", "attributes": {"city": "Lyon"}}
    )

    assert rendered == "Nice"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, "Hi there!"),
        ({"first_name": ""}, "Hi there!"),
        ({"first_name": None}, "Hi there!"),
        ({"first_name": "Ada"}, "Hi Ada!"),
    ],
)
def test_inline_fallback_fills_missing_or_empty_values(context, expected):
    assert template_render("Hi {{first_name|there}}!", context=context) == expected


def test_quoted_inline_fallback_keeps_spaces():
    assert template_render('Hi {{ first_name | "dear friend" }}!', context={}) == (
        "Hi dear friend!"
    )


def test_fallback_mapping_applies_when_no_inline_fallback():
    # given a mapping from the wizard's personalization step
    fallbacks = {"first_name": "friend", "city": "your city"}

    # when
    rendered = template_render("{{first_name}} in {{city|town}}", context={}, fallbacks=fallbacks)

    # then the inline fallback, more specific, wins where both exist
    assert rendered == "friend in town"


def test_missing_value_without_fallback_renders_empty_unless_strict():
    assert template_render("Hi {{first_name}}!", context={}) == "Hi !"
    with pytest.raises(TemplateVariableMissing) as excinfo:
        template_render("Hi {{first_name}}!", context={}, strict=True)
    assert "first_name" in excinfo.value.message


def test_values_of_other_types_render_as_text():
    context = {"n": 3, "vip": True, "tags": ["a", "b"], "nested": {"x": 1}}

    rendered = template_render("{{n}} {{vip}} {{tags}} [{{nested}}]", context=context)

    assert rendered == "3 yes a, b []"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"vip": True}, "VIP"),
        ({"vip": "yes"}, "VIP"),
        ({"vip": "false"}, "regular"),
        ({"vip": "0"}, "regular"),
        ({"vip": ""}, "regular"),
        ({}, "regular"),
    ],
)
def test_if_else_uses_truthiness_of_the_value(attributes, expected):
    text = "{% if attributes.vip %}VIP{% else %}regular{% endif %}"

    assert template_render(text, context={"attributes": attributes}) == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"country": "fr"}, "Bonjour"),
        ({"country": "ES"}, "Hola"),
        ({"country": "DE", "attributes": {"points": "150"}}, "Gold"),
        ({"country": "DE", "attributes": {"points": 99}}, "Hello"),
    ],
)
def test_elif_chain_with_comparisons(context, expected):
    text = (
        "{% if country == \"FR\" %}Bonjour{% elif country == 'es' %}Hola"
        "{% elif attributes.points >= 100 %}Gold{% else %}Hello{% endif %}"
    )

    assert template_render(text, context=context) == expected


def test_not_and_or_and_parentheses():
    text = '{% if not optout and (city == "Paris" or vip) %}yes{% else %}no{% endif %}'

    assert template_render(text, context={"city": "paris"}) == "yes"
    assert template_render(text, context={"city": "Rome", "vip": True}) == "yes"
    assert template_render(text, context={"city": "Paris", "optout": True}) == "no"


def test_nested_conditions_and_placeholders_inside_them():
    text = (
        "{% if vip %}Dear {{first_name|VIP}}{% if city %} of {{city}}{% endif %}"
        "{% else %}Hello{% endif %}!"
    )

    assert template_render(text, context={"vip": 1, "city": "Rome"}) == "Dear VIP of Rome!"
    assert template_render(text, context={"vip": 0}) == "Hello!"


@pytest.mark.parametrize(
    ("text", "fragment", "line", "column"),
    [
        ("Hi {{first_name", "never closed", 1, 4),
        ("Hi\n  {{ first name }}", "is not a variable", 2, 3),
        ("{{ }}", "empty", 1, 1),
        ("{{ a.__class__() }}", "is not a variable", 1, 1),
        ("{% if vip %}yes", "never closed", 1, 1),
        ("ok\nok {% endif %}", "without an open", 2, 4),
        ("{% else %}", "without an open", 1, 1),
        ("{% if a %}1{% else %}2{% else %}3{% endif %}", "A second", 1, 23),
        ("{% if a %}1{% else %}2{% elif b %}3{% endif %}", "cannot follow", 1, 23),
        ("{% for x in y %}{% endfor %}", "Unknown block", 1, 1),
        ("{% if %}x{% endif %}", "needs a condition", 1, 1),
        ("{% if a == %}x{% endif %}", "ends too early", 1, 1),
        ("{% if a b %}x{% endif %}", "Unexpected", 1, 1),
        ("{% if __import__('os') %}x{% endif %}", "Unexpected", 1, 1),
        ("{% if a ; b %}x{% endif %}", "Cannot read", 1, 1),
        ("{% if a", "never closed", 1, 1),
    ],
)
def test_malformed_text_raises_a_problem_naming_the_position(text, fragment, line, column):
    with pytest.raises(TemplateSyntaxProblem) as excinfo:
        template_render(text, context={})

    problem = excinfo.value
    assert isinstance(problem, ValidationFailed)
    assert fragment in problem.message
    assert f"line {line}, column {column}" in problem.message
    assert (problem.extra["line"], problem.extra["column"]) == (line, column)
    assert problem.status_code == 422


def test_template_variables_raises_on_malformed_text_too():
    with pytest.raises(TemplateSyntaxProblem):
        template_variables("{{1")


def test_lone_closing_braces_and_single_braces_are_plain_text():
    text = "Price: {1} }} %} {x} {"

    assert template_render(text, context={}) == text


def test_lookups_never_touch_object_attributes():
    # given an object whose attribute access would have a side effect
    touched = []

    class Trap:
        @property
        def secret(self):
            touched.append(True)
            return "leaked"

    # when
    rendered = template_render(
        "[{{obj.secret}}][{{obj.__class__}}][{{ctx.__len__}}]",
        context={"obj": Trap(), "ctx": {}},
    )

    # then
    assert rendered == "[][][]"
    assert touched == []


def test_html_in_text_is_kept_as_text_and_escaped_by_pages():
    # given message text and a value that both hold HTML
    rendered = template_render(
        "<b>Hi</b> {{first_name}}", context={"first_name": "<script>alert(1)</script>"}
    )

    # when it is shown through a Django page (autoescape on)
    html = Template("<p>{{ message }}</p>").render(Context({"message": rendered}))

    # then the renderer left it as plain text, and the page shows it as text
    assert rendered == "<b>Hi</b> <script>alert(1)</script>"
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Hi&lt;/b&gt;" in html


@pytest.mark.django_db
def test_contact_context_exposes_fields_and_attributes(account):
    # given
    contact = ContactFactory(
        account=account,
        phone="+33612345678",
        email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
        country="FR",
        timezone="Europe/Paris",
        attributes={"city": "Paris", "vip": True},
    )

    # when
    context = contact_context(contact)

    # then
    assert context == {
        "phone": "+33612345678",
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "full_name": "Ada Lovelace",
        "country": "FR",
        "timezone": "Europe/Paris",
        "attributes": {"city": "Paris", "vip": True},
    }
    text = "{{full_name}} ({{attributes.city}}){% if attributes.vip %} ★{% endif %}"
    assert template_render(text, context=context) == "Ada Lovelace (Paris) ★"


@pytest.mark.django_db
def test_contact_context_of_a_sparse_contact_uses_fallbacks(account):
    contact = ContactFactory(account=account, phone=None, first_name="", last_name="")

    context = contact_context(contact)

    assert context["phone"] == ""
    assert context["full_name"] == ""
    assert template_render("Hi {{full_name|there}}", context=context) == "Hi there"


@pytest.mark.parametrize("value", ["café", 'say "hi"', "back\\slash", "日本"])
def test_condition_literals_written_by_json_dumps_compare_exactly(value):
    # given a condition built in code with json.dumps (the wizard's conditional blocks)
    text = f"{{% if city == {json.dumps(value)} %}}match{{% endif %}}"

    assert template_render(text, context={"city": value}) == "match"
    assert template_render(text, context={"city": "other"}) == ""


def test_single_quoted_literals_unescape_backslashes():
    text = r"{% if name == 'O\'Brien' %}yes{% endif %}"

    assert template_render(text, context={"name": "O'Brien"}) == "yes"


def test_nesting_is_limited_with_a_clear_problem_not_a_crash():
    deep_blocks = "{% if a %}" * 500 + "x" + "{% endif %}" * 500
    deep_parens = "{% if " + "(" * 500 + "a" + ")" * 500 + " %}x{% endif %}"
    many_nots = "{% if " + "not " * 500 + "a %}x{% endif %}"

    for text in (deep_blocks, deep_parens, many_nots):
        with pytest.raises(TemplateSyntaxProblem) as excinfo:
            template_render(text, context={"a": True})
        assert "levels deep" in excinfo.value.message

    assert template_render("{% if a %}" * 20 + "x" + "{% endif %}" * 20, context={"a": 1}) == "x"
