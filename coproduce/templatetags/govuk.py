"""Template helpers that render Django form fields as GOV.UK Frontend components.

Every form in the product goes through `templates/includes/field.html`, which uses these
to pick the component, add the error modifier classes and link the hint and error
message to the input with aria-describedby, so screen readers announce them.
"""

import functools
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from coproduce.lib import fragments
from coproduce.lib.forms import DATE_PARTS, GovukDateInput

register = template.Library()

_GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateInput):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "single"


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def described_by(field: BoundField) -> str:
    return _described_by(field)


@register.filter
def error_target(field: BoundField) -> str:
    """The id the error summary links to: the first option of a group, else the input."""
    if isinstance(field.field.widget, _GROUPED):
        return f"{field.auto_id}_0"
    if isinstance(field.field.widget, GovukDateInput):
        return f"{field.auto_id}_{_date_parts_in_error(field)[0]}"
    return str(field.auto_id)


def _date_parts_in_error(field: BoundField) -> list[str]:
    """The boxes of a date to highlight: those an error names, or all three."""
    named: list[str] = []
    for error in field.errors.as_data():
        params = error.params or {}
        named += [part for part in params.get("parts", ()) if part not in named]
    return [part for part in DATE_PARTS if part in named] or list(DATE_PARTS)


DATE_PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
DATE_PART_WIDTHS = {"day": 2, "month": 2, "year": 4}


@register.simple_tag
def date_parts(field: BoundField) -> list[dict[str, Any]]:
    """The day, month and year boxes of a date field, with what was typed in each."""
    widget = field.field.widget
    assert isinstance(widget, GovukDateInput)
    value = field.value()
    typed = value if isinstance(value, list | tuple) else widget.decompress(value)
    in_error = _date_parts_in_error(field) if field.errors else []
    return [
        {
            "id": f"{field.auto_id}_{part}",
            "name": f"{field.html_name}_{part}",
            "label": DATE_PART_LABELS[part],
            "value": typed[index] or "",
            "width": DATE_PART_WIDTHS[part],
            "error": part in in_error,
        }
        for index, part in enumerate(DATE_PARTS)
    ]


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render the input of a single-control field with GOV.UK classes and ARIA links."""
    widget = field.field.widget
    if isinstance(widget, forms.Textarea):
        base = "govuk-textarea"
    elif isinstance(widget, forms.Select):
        base = "govuk-select"
    elif isinstance(widget, forms.FileInput):
        base = "govuk-file-upload"
    elif isinstance(widget, forms.CheckboxInput):
        base = "govuk-checkboxes__input"
    else:
        base = "govuk-input"
    classes = [base, widget.attrs.get("class", "")]
    if field.errors and base != "govuk-checkboxes__input":
        classes.append(f"{base}--error")
    attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
    if describedby := _described_by(field):
        attrs["aria-describedby"] = describedby
    return field.as_widget(attrs=attrs)


@register.filter
def with_option_class(field: BoundField, css_class: str) -> BoundField:
    """Give each option of a radio or checkbox group its GOV.UK input class."""
    field.field.widget.attrs["class"] = css_class
    return field


@register.simple_tag
def nav_current(path: str, href: str, exact: bool = False) -> bool:
    """True when the page at `path` is `href`, or (unless `exact`) a page beneath it."""
    if exact or href == "/":
        return path == href
    return bool(href) and path.startswith(href)


@register.simple_tag(takes_context=True)
def nav_item(context: template.Context, href: str, label: str, exact: bool = False) -> SafeString:
    """One link of a service navigation, marked as the page shown when it is (see
    `nav_current`). A tag rather than an include: a page shows fifteen or so, and an include
    costs several times as much to render."""
    request = context.get("request")
    if nav_current(getattr(request, "path", ""), href, exact):
        return format_html(
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">\n'
            '  <a class="govuk-service-navigation__link" href="{}" aria-current="page">'
            '<strong class="govuk-service-navigation__active-fallback">{}</strong></a>\n</li>\n',
            href,
            label,
        )
    return format_html(
        '<li class="govuk-service-navigation__item">\n'
        '  <a class="govuk-service-navigation__link" href="{}">{}</a>\n</li>\n',
        href,
        label,
    )


# --- The page layout ---------------------------------------------------------------------
#
# Every page draws the same header, navigation and footer, which cost the template engine
# about 2 ms a page. They are drawn from plain values through `fragments.drawn`, so a
# process draws each variant once (per person, organisation and current section).


@functools.cache
def _addresses(prefix: str, language: str, static_storage: str) -> dict[str, str]:
    """The layout's links, the same for every page a process serves under this script
    prefix and language (reversing and hashing them each time cost half the layout)."""
    return {
        name: reverse(name)
        for name in (
            "home",
            "accounts:sign_in",
            "accounts:sign_out",
            "projects:list",
            "meetings:venues",
            "payments:finance",
            "accounts:organisation",
            "accounts:audit_log",
            "admin:index",
            "people:me",
            "accounts:password_change",
            "accessibility",
            "privacy:privacy_notice",
        )
    } | {
        name: static(name)
        for name in (
            "favicon.svg",
            "build/main.css",
            "build/supported.js",
            "build/init.js",
            "build/htmx.min.js",
        )
    }


def _static_storage() -> str:
    return f"{settings.STATIC_URL}{settings.STORAGES.get('staticfiles')}"


def _layout_addresses() -> dict[str, str]:
    return _addresses(get_script_prefix(), get_language(), _static_storage())


def _navigation(user: Any, address: dict[str, str]) -> list[tuple[str, str]]:
    """The service navigation's links for this person, in the order the header shows them."""
    if not user.is_authenticated:
        return [(address["accounts:sign_in"], gettext("Sign in"))]
    links = [(address["projects:list"], gettext("Projects"))]
    if user.is_coordinator:
        links.append((address["meetings:venues"], gettext("Venues")))
    if user.is_finance:
        links.append((address["payments:finance"], gettext("Finance")))
    if user.is_administrator:
        links += [
            (address["accounts:organisation"], gettext("Organisation settings")),
            (address["accounts:audit_log"], gettext("Audit log")),
            (address["admin:index"], gettext("Data administration")),
        ]
    links += [
        (address["people:me"], gettext("Your profile")),
        (address["accounts:password_change"], gettext("Change password")),
    ]
    return links


@register.simple_tag(takes_context=True)
def layout_top(context: template.Context) -> SafeString:
    """The head's links, the header and the service navigation."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    organisation = context["organisation"]
    path = getattr(request, "path", "")
    signed_in = user is not None and user.is_authenticated
    # Everything the navigation is worked out from: who the person is to the organisation.
    roles, full_name = None, ""
    if user is not None and signed_in:
        roles = (user.is_coordinator, user.is_finance, user.is_administrator)
        full_name = user.full_name
    inputs = {
        "path": path,
        "signed_in": signed_in,
        "roles": roles,
        "full_name": full_name,
        "logo_url": organisation.logo_url,
        "logo_alt": organisation.logo_alt_text,
        "organisation_name": organisation.name,
        "static": _static_storage(),
        "prefix": get_script_prefix(),
    }

    def values() -> dict[str, object]:
        address = _layout_addresses()
        links = _navigation(user, address) if user is not None else []
        return {
            "favicon": address["favicon.svg"],
            "stylesheet": address["build/main.css"],
            "supported_script": address["build/supported.js"],
            "home": address["home"],
            "logo_url": inputs["logo_url"],
            "logo_alt": inputs["logo_alt"],
            "organisation_name": inputs["organisation_name"],
            "links": [(href, label, nav_current(path, href)) for href, label in links],
            "sign_out": address["accounts:sign_out"] if signed_in else "",
            "full_name": inputs["full_name"],
        }

    return fragments.drawn_from("includes/_layout_top.html", inputs, values, request)


@register.simple_tag(takes_context=True)
def layout_bottom(context: template.Context) -> SafeString:
    """The footer and the scripts."""
    organisation = context["organisation"]
    address = _layout_addresses()
    return fragments.drawn(
        "includes/_layout_bottom.html",
        {
            "accessibility": address["accessibility"],
            "privacy_notice": address["privacy:privacy_notice"],
            "contact_email": organisation.contact_email,
            "organisation_name": organisation.name,
            "init_script": address["build/init.js"],
            "htmx_script": address["build/htmx.min.js"],
        },
    )


@register.simple_tag
def page_links(page: Any, label: str = "") -> SafeString:
    """GOV.UK pagination for a `coproduce.lib.pagination.LinkedPage`; nothing when the list
    fits on one page. Drawn from plain values, once a process for each set of links."""
    if not (hasattr(page, "has_other_pages") and page.has_other_pages()):
        return SafeString("")
    return fragments.drawn(
        "includes/_pagination_drawn.html",
        {
            "label": label or gettext("Pages"),
            "previous": page.previous_href,
            "next": page.next_href,
            "links": [(link.number, link.href, link.current) for link in page.links],
        },
    )
