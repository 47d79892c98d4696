"""Turn a rendered admin change page back into the POST a browser would send."""


def _field_values(form, data: dict) -> None:
    for bound in form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            data[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)


def change_form_data(response, **overrides) -> dict:
    """The change page's current values, inline formsets included, with ``overrides`` applied."""
    data: dict = {}
    _field_values(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _field_values(formset.management_form, data)
        for form in formset.forms:
            _field_values(form, data)
    data.update(overrides)
    return data
