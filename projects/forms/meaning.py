"""The form for a project's own words on what co-production means in the group."""

from django import forms

from accounts.models import Organisation
from projects.forms.plan import VersionedForm
from projects.models import Project


class MeaningForm(VersionedForm):
    class Meta:
        model = Project
        fields = ["coproduction_meaning"]
        widgets = {"coproduction_meaning": forms.Textarea(attrs={"rows": 10})}

    def clean_coproduction_meaning(self) -> str:
        text: str = self.cleaned_data["coproduction_meaning"].strip()
        # Unchanged words stay the organisation's, so they follow when the organisation edits.
        return "" if text == Organisation.current().coproduction_meaning.strip() else text
