"""Optimistic locking: an edit made on a stale copy is refused instead of overwriting."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """Someone else saved the object after this edit started."""


def save_if_unchanged(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Save `fields` only if the stored version is still `expected_version`, then bump it.

    The model needs a `version` integer field. Raises StaleEdit when the row moved on.
    """
    model = type(instance)
    # .update() skips auto_now fields, so refresh them here for every caller.
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            setattr(instance, field.attname, timezone.now())
            fields = [*fields, field.attname]
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if not updated:
        raise StaleEdit
    instance.version = expected_version + 1  # type: ignore[attr-defined]


class VersionedModelForm[ModelT: models.Model](forms.ModelForm[ModelT]):
    """A form that adds or changes a shared object. When it changes one, it carries the version
    the person started from, so a save on a stale copy is refused (`versioned_form_submit`).

    The model needs a `version` integer field. Adding needs no version: nothing to overwrite.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                initial=self.instance.version,  # type: ignore[attr-defined]
            )


STALE_EDIT_MESSAGE = _(
    "Someone else saved changes to this page while you were editing. What you typed is "
    "still below. Check it, then save again to replace their changes."
)


def form_after_stale_edit[ModelFormT: forms.ModelForm[Any]](
    form_class: type[ModelFormT],
    request: HttpRequest,
    *,
    instance: models.Model,
    **form_kwargs: Any,
) -> ModelFormT:
    """Re-show what the person typed, with a warning, ready to save over the newer version.

    Nothing is lost and nothing is overwritten without the person seeing the warning first.
    """
    data = request.POST.copy()
    data["version"] = str(instance.version)  # type: ignore[attr-defined]
    form = form_class(data, request.FILES or None, instance=instance, **form_kwargs)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    # Name what now differs, so the person knows what to check before saving again.
    differ = [
        str(form.fields[name].label)
        for name in form.changed_data
        if not isinstance(form.fields[name].widget, forms.HiddenInput)
    ]
    if differ:
        form.add_error(
            None,
            _("What is saved now is different from what you typed in: %(fields)s.")
            % {"fields": ", ".join(differ)},
        )
    return form


def versioned_form_submit[ModelFormT: forms.ModelForm[Any], ItemT: models.Model](
    request: HttpRequest,
    form_class: type[ModelFormT],
    item: ItemT,
    *,
    add: Callable[[ItemT], None],
    update: Callable[[ItemT, list[str], int], None],
    **form_kwargs: Any,
) -> tuple[ModelFormT, bool]:
    """The form adding (an unsaved `item`) or changing it, and whether it was saved.

    A stale change is not saved: the form comes back from what is stored now, keeping what
    the person typed (`form_after_stale_edit`).
    """
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None,
        (request.FILES or None) if posted else None,
        instance=item,
        **form_kwargs,
    )
    if not posted or not form.is_valid():
        return form, False
    try:
        if item.pk is None:
            add(form.instance)
        else:
            changed = [name for name in form.changed_data if name != "version"]
            update(form.instance, changed, form.cleaned_data["version"])
    except StaleEdit:
        stored = type(item)._default_manager.get(pk=item.pk)
        return form_after_stale_edit(form_class, request, instance=stored, **form_kwargs), False
    return form, True


def version_field() -> forms.IntegerField:
    """The hidden field a plain form (not a model form) carries: the version of the shared
    object it changes, as it was when the page was drawn. Set its initial to that version."""
    return forms.IntegerField(widget=forms.HiddenInput)


def plain_form_after_stale_edit[FormT: forms.Form](
    form_class: type[FormT], request: HttpRequest, *, version: int, **form_kwargs: Any
) -> FormT:
    """`form_after_stale_edit` for a plain form: what the person typed, with the warning,
    ready to save over the newer `version`."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **form_kwargs)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    return form
