"""Forms for the group's themes: adding one, and a member's ranking of them all."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from projects.forms.plan import VersionedForm
from projects.models import Theme, ThemeRank
from projects.services.themes import MAX_THEMES


class ThemeForm(VersionedForm):
    required_messages = {"name": _("Enter the theme")}

    class Meta:
        model = Theme
        fields = ["name", "description"]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = Theme.objects.filter(project=self.project)
        if others.exclude(pk=self.instance.pk).filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("The group already has a theme called “%(n)s”. Give this one another name")
                % {"n": name}
            )
        if self.instance.pk is None:
            if self.project.themes_closed_at is not None:
                raise forms.ValidationError(
                    _("The ranking is closed. Open it again before adding the theme “%(n)s”")
                    % {"n": name}
                )
            if others.count() >= MAX_THEMES:
                raise forms.ValidationError(
                    _("The group can rank up to %(max)s themes. Join two together to add “%(n)s”")
                    % {"max": MAX_THEMES, "n": name}
                )
        return name


def field_name(theme: Theme) -> str:
    return f"theme_{theme.pk}"


class ThemeRankingForm(SpecificErrorsMixin, forms.Form):
    """A numbered choice for each theme: 1 for the one that matters most to the member.

    Without JavaScript this is the whole form. With it, the page reorders the themes with
    buttons and fills in these numbers before the form is sent.
    """

    def __init__(
        self,
        *args: Any,
        themes: list[Theme],
        mine: list[ThemeRank],
        **kwargs: Any,
    ) -> None:
        self.themes = themes
        self.required_messages = {
            field_name(theme): _("Choose a number for “%(n)s”") % {"n": theme.name}
            for theme in themes
        }
        super().__init__(*args, **kwargs)
        count = len(themes)
        numbers = [("", _("Choose a number"))] + [(str(n), str(n)) for n in range(1, count + 1)]
        position = {rank.theme_id: rank.position for rank in mine}
        # The member's own order first; themes they have not placed yet go at the end.
        ordered = sorted(themes, key=lambda t: (t.pk not in position, position.get(t.pk, 0)))
        self.themes = ordered
        for theme in ordered:
            self.fields[field_name(theme)] = forms.TypedChoiceField(
                label=theme.name,
                help_text=theme.description,
                choices=numbers,
                coerce=int,
                widget=forms.Select(attrs={"data-theme-rank": ""}),
                initial=position.get(theme.pk, ""),
                error_messages={"required": self.required_messages[field_name(theme)]},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given: dict[int, Theme] = {}
        for theme in self.themes:
            name = field_name(theme)
            if hasattr(self.data, "getlist") and len(self.data.getlist(name)) > 1:
                self.add_error(
                    name,
                    _("“%(n)s” was given more than one number. Choose one number for it")
                    % {"n": theme.name},
                )
                continue
            number = cleaned.get(name)
            if number is None:
                continue
            if number in given:
                self.add_error(
                    name,
                    _(
                        "“%(n)s” and “%(other)s” both have the number %(number)s. "
                        "Give each theme a different number"
                    )
                    % {"n": theme.name, "other": given[number].name, "number": number},
                )
            else:
                given[number] = theme
        return cleaned

    def positions(self) -> dict[int, int]:
        return {theme.pk: self.cleaned_data[field_name(theme)] for theme in self.themes}
