from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from projects.models import Membership, MemberType, Project, ProjectRole, ProjectStatus


class ProjectForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "name": _("Enter a name for the project"),
        "purpose": _("Say in a few words what the group is for"),
        "status": _("Choose whether the project is active or closed"),
    }

    class Meta:
        model = Project
        fields = ["name", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"name": _("A short name people will recognise, like “Carers' voice group”.")}


class ProjectEditForm(ProjectForm):
    # Carries the version the editor started from, so a stale save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProjectStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Close a project when the group has finished its work."),
    )

    class Meta(ProjectForm.Meta):
        fields = ["name", "purpose", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class MembershipForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "member_type": _("Choose what they bring to the group"),
        "role": _("Choose their role in the project"),
    }

    member_type = forms.ChoiceField(
        label=_("What they bring to the group"),
        choices=MemberType.choices,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Their role in the project"), choices=ProjectRole.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Membership
        fields = ["role", "member_type"]


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
