"""Post admin change forms as a browser would: every field the page shows, as it shows it."""

from __future__ import annotations

from django.urls import reverse


def change_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """The data a browser would post back unchanged from an admin change page."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)
    # Split date widgets post their parts; ours are plain dates.
    return data
