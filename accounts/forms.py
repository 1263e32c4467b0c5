import uuid
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy, two_factor
from accounts.models import Organisation, OrgRole, User
from coproduce.lib.email import email_send
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin

LOGO_MAX_BYTES = 1024 * 1024
# Longer than any password manager makes, and short enough that hashing it costs little.
PASSWORD_MAX_LENGTH = 128
# What a logo may be, by what Pillow finds inside, and the ending its stored copy gets.
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
LOGO_NOT_AN_IMAGE = _("The logo must be a PNG or JPEG image.")


class SignInForm(SpecificErrorsMixin, auth_forms.AuthenticationForm):
    required_messages = {
        "username": _("Enter your email address"),
        "password": _("Enter your password"),
    }
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember_me = forms.BooleanField(
        label=_("Keep me signed in on this device for 14 days"),
        help_text=_("Only on a device that nobody else uses."),
        required=False,
    )
    error_messages = {
        "invalid_login": _(
            "The email address or password is not right. Check them and try again, or "
            "reset your password."
        ),
        "inactive": _("This account is switched off. Contact your coordinator."),
    }


class PasswordResetForm(SpecificErrorsMixin, auth_forms.PasswordResetForm):
    required_messages = {"email": _("Enter your email address")}
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        email_send(
            to=[to_email],
            template="password_reset",
            context={**context, "organisation": Organisation.current()},
        )


class SetPasswordForm(SpecificErrorsMixin, auth_forms.SetPasswordForm[User]):
    """Django's form with labels in our words and the autocomplete hints password managers use."""

    required_messages = {
        "new_password1": _("Enter a new password"),
        "new_password2": _("Type the new password again"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 10 characters. Avoid common words and passwords you use elsewhere."
        )
        self.fields["new_password2"].label = _("Type the new password again")
        for name in ("new_password1", "new_password2"):
            field = self.fields[name]
            field.widget.attrs.update(
                {"autocomplete": "new-password", "maxlength": str(PASSWORD_MAX_LENGTH)}
            )
            # Django builds these fields without a limit.
            field.max_length = PASSWORD_MAX_LENGTH  # type: ignore[attr-defined]
            field.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    field_order = ["old_password", "new_password1", "new_password2"]
    required_messages = {
        "old_password": _("Enter your current password"),
        "new_password1": _("Enter a new password"),
        "new_password2": _("Type the new password again"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")


class OrganisationForm(SpecificErrorsMixin, forms.ModelForm[Organisation]):
    required_messages = {
        "name": _("Enter the name of the organisation"),
        "accessibility_compliance": _("Choose how far this service meets the standard"),
    }
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "logo",
            "logo_alt_text",
            "contact_email",
            "contact_phone",
            "accessibility_contact_email",
            "accessibility_contact_phone",
            "accessibility_compliance",
            "accessibility_known_issues",
            "accessibility_prepared_on",
            "accessibility_reviewed_on",
            "papers_notice_days",
            "cooling_off_hours",
            "invitation_valid_days",
            "implementation_share_percent",
            "benefits_advice_url",
            "coproduction_meaning",
            "session_idle_minutes",
            "two_factor_required",
        ]
        widgets = {
            "logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
            "accessibility_contact_phone": forms.TextInput(attrs={"type": "tel"}),
            "coproduction_meaning": forms.Textarea(attrs={"rows": 8}),
            "accessibility_compliance": forms.RadioSelect,
            "accessibility_known_issues": forms.Textarea(attrs={"rows": 5}),
        }
        field_classes = {
            "accessibility_prepared_on": GovukDateField,
            "accessibility_reviewed_on": GovukDateField,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["logo"].error_messages["invalid_image"] = LOGO_NOT_AN_IMAGE
        for name in (
            "papers_notice_days",
            "cooling_off_hours",
            "invitation_valid_days",
            "implementation_share_percent",
            "session_idle_minutes",
        ):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            )

        roles = sorted(str(OrgRole(role).label) for role in policy.TWO_FACTOR_ROLES)
        self.fields["two_factor_required"].label = _("Require two-step sign-in for: %(roles)s") % {
            "roles": ", ".join(roles)
        }
        self.fields["two_factor_required"].help_text = _(
            "People in these roles then set up an authenticator app before they can carry on."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        for name, message in (
            (
                "accessibility_prepared_on",
                _("The date the statement was prepared cannot be in the future"),
            ),
            (
                "accessibility_reviewed_on",
                _("The date the statement was reviewed cannot be in the future"),
            ),
        ):
            day = cleaned.get(name)
            if day and day > today:
                self.add_error(name, message)
        prepared, reviewed = (
            cleaned.get("accessibility_prepared_on"),
            cleaned.get("accessibility_reviewed_on"),
        )
        if prepared and reviewed and reviewed < prepared:
            self.add_error(
                "accessibility_reviewed_on",
                _("The review date must be on or after the date the statement was prepared"),
            )
        return cleaned

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not logo or "logo" not in self.changed_data:
            return logo
        if getattr(logo, "size", 0) > LOGO_MAX_BYTES:
            raise ValidationError(_("The logo must be smaller than 1 MB."))
        # Pillow read the file (Django's image field opens it), so this is what it holds,
        # whatever its name or the browser says. Anything else, an SVG too, is refused.
        image_format = getattr(getattr(logo, "image", None), "format", None)
        if image_format not in LOGO_FORMATS:
            raise ValidationError(LOGO_NOT_AN_IMAGE)
        logo.name = f"{uuid.uuid4().hex}{LOGO_FORMATS[image_format]}"
        return logo


class TwoFactorCodeForm(SpecificErrorsMixin, forms.Form):
    """The 6-digit code from an authenticator app."""

    required_messages = {"code": _("Enter the 6-digit code from your authenticator app")}
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits, like 123456. Spaces do not matter."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self) -> str:
        code = two_factor.code_digits(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(
                _("The code from your authenticator app must be 6 digits, like 123456")
            )
        return code


class TwoFactorSetUpForm(TwoFactorCodeForm):
    """The first code from the app, which shows it holds the right secret."""

    def __init__(self, *args: Any, secret: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.secret = secret
        self.step: int | None = None

    def clean_code(self) -> str:
        code = super().clean_code()
        self.step = two_factor.matching_step(self.secret, code)
        if self.step is None:
            raise ValidationError(
                _(
                    "The code from your authenticator app is not right. Check the app shows "
                    "Coproduce, then type the code it shows now"
                )
            )
        return code


class RecoveryCodeForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"code": _("Enter one of your recovery codes")}
    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("10 letters and numbers, like k7m2p-x9f4q."),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}
        ),
    )
