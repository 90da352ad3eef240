"""Forms for the plan manager's people pages: posts and their holders, plan roles.

Every choice offered is scoped to the plan's organisation: other organisations' people are
never listed, and an id from elsewhere in a POST fails validation. Someone of another
organisation (a partner's scrutiny officer, a DfE viewer) is added by the exact email address
of their existing account.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms_rendering import GovukRadioSelect
from .models import PlanRole, Post, User

UNKNOWN_EMAIL = _("No account uses that email address. Ask your administrator to create one, "
                 "then add them here.")


def person_label(user) -> str:
    return f"{user} ({user.job_title})" if user.job_title else str(user)


class PersonForm(forms.Form):
    """Choose a person: one of the active people of ``organisation``, or anyone with an active
    account by its exact email address. ``cleaned_data["user"]`` is the person chosen."""

    person = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label=_("Choose a person"),
        error_messages={"invalid_choice": _("Choose a person from the list")},
    )
    email = forms.EmailField(
        label=_("Or, for someone in another organisation, the email address of their account"),
        required=False, max_length=254,
        help_text=_("Enter it exactly as it is on their account."),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )
    hide_optional = True  # one of the two is needed: the error says so

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = organisation.active_people() if organisation else User.objects.none()
        person.label = (gettext("Person in %(organisation)s") % {"organisation": organisation} if organisation
                        else gettext("Person"))
        person.label_from_instance = person_label
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean(self):
        cleaned = super().clean()
        person, email = cleaned.get("person"), cleaned.get("email")
        if "person" in self.errors or "email" in self.errors:
            return cleaned
        if person and email:
            self.add_error("email", gettext("Choose a person or enter an email address, not both"))
        elif not person and not email:
            self.add_error("person", gettext("Choose a person, or enter the email address of their account"))
        elif email:
            accounts = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
            if not accounts:
                self.add_error("email", UNKNOWN_EMAIL)
            elif len(accounts) > 1:
                self.add_error("email", gettext("More than one account uses that email address. Ask your "
                                                "administrator which one to add."))
            else:
                cleaned["user"] = accounts[0]
        else:
            cleaned["user"] = person
        return cleaned


ROLE_HINTS = {
    PlanRole.Role.MANAGER: _("Maintains the plan: its structure, posts, people, update rounds and boards."),
    PlanRole.Role.SCRUTINY: _("Records independent scrutiny conclusions on the plan."),
    PlanRole.Role.VIEWER: _("Reads the plan, its history and dashboards."),
    PlanRole.Role.EXTERNAL_REVIEWER: _("Someone outside the council (an inspector, a DfE adviser, a peer, an "
                                       "auditor): reads the plan and records their review's findings, nothing else."),
}


class PlanRoleForm(PersonForm):
    role = forms.ChoiceField(choices=PlanRole.Role.choices, widget=GovukRadioSelect(hints=ROLE_HINTS),
                             error_messages={"required": _("Select a role"), "invalid_choice": _("Select a role")})
    field_order = ["role", "person", "email"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, organisation=plan.organisation, **kwargs)
        self.plan = plan
        self.fields["role"].widget.choices = self.fields["role"].choices

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if user and role and PlanRole.objects.filter(plan=self.plan, user=user, role=role).exists():
            label = PlanRole.Role(role).label
            self.add_error(None, gettext("%(user)s is already a %(role)s of this plan") % {
                "user": user, "role": label.lower()})
        return cleaned

    def save(self, *, by) -> PlanRole:
        role = PlanRole(plan=self.plan, user=self.cleaned_data["user"], role=self.cleaned_data["role"])
        role._history_user = by
        role.save()
        return role


class PostForm(forms.ModelForm):
    """A post of the plan's organisation: its title and who holds it."""

    class Meta:
        model = Post
        fields = ["title", "holders"]
        labels = {"title": _("Title of the post")}
        widgets = {"holders": forms.CheckboxSelectMultiple}
        error_messages = {"title": {"required": _("Enter the title of the post")},
                          "holders": {"invalid_choice": _("Choose holders from the list"),
                                      "invalid_pk_value": _("Choose holders from the list")}}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        people = organisation.active_people()
        holders = self.fields["holders"]
        holders.queryset = people
        holders.label = gettext("Holders")
        holders.label_from_instance = person_label
        holders.error_messages["invalid_choice"] = gettext("Choose holders from the list")
        # Holders this form does not offer (an account since closed, someone of another
        # organisation set by an administrator) are kept on save, and named here.
        self.kept_holders = list(self.instance.holders.exclude(pk__in=people)) if self.instance.pk else []
        hint = gettext("People of %(organisation)s with an account. Leave them all unticked if the post is "
                       "vacant.") % {"organisation": organisation}
        if self.kept_holders:
            names = ", ".join(str(user) for user in self.kept_holders)
            hint += " " + gettext("Also held by %(names)s: ask an administrator to change that.") % {"names": names}
        holders.help_text = hint

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        clash = Post.objects.filter(organisation=self.instance.organisation, title__iexact=title)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(gettext("%(organisation)s already has a post called “%(title)s”: choose "
                                                "another title, or change that post") % {
                "organisation": self.instance.organisation, "title": title})
        return title

    def clean_holders(self):
        return [*self.cleaned_data["holders"], *self.kept_holders]

    def save_by(self, user) -> Post:
        """Save, recording who made the change (the holders' change too)."""
        post = self.save(commit=False)
        post._history_user = user
        post.save()
        self.save_m2m()
        return post
