"""Where each OpenID Connect provider's people belong here: their organisation, and the plan roles
that their claims (an Entra group, an app role) grant.

The providers themselves (issuer, client id, secret) come from ``OIDC_PROVIDERS`` in the
environment (identity/configuration.py); these rows, kept by an administrator in the admin,
name a provider by its id there.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from improvement.models import Organisation, Plan, PlanRole


def configured_provider(key: str) -> dict | None:
    """The provider of ``OIDC_PROVIDERS`` with this id, or None."""
    return next((p for p in settings.OIDC_PROVIDERS if p["id"] == key), None)


class SignInProvider(models.Model):
    """A provider of ``OIDC_PROVIDERS`` as this site uses it: whose people sign in with it."""

    key = models.CharField("provider id", max_length=50, unique=True,
                           help_text="The provider's id in OIDC_PROVIDERS, such as walsall.")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sign_in_providers",
        help_text="The organisation that the provider's people belong to when their account is made.")

    class Meta:
        ordering = ["key"]
        verbose_name = "sign-in provider"

    def __str__(self):
        provider = configured_provider(self.key)
        return f"{provider['name'] if provider else 'Not configured'} ({self.key})"

    def clean(self):
        if self.key and not configured_provider(self.key):
            known = ", ".join(p["id"] for p in settings.OIDC_PROVIDERS) or "none"
            raise ValidationError({"key": f"No provider with the id {self.key!r} is in OIDC_PROVIDERS "
                                          f"(configured: {known})."})

    @transaction.atomic
    def grant_roles(self, user, claims: dict) -> None:
        """Give ``user`` the plan roles that ``claims`` earn, and take back the roles this provider
        granted earlier that they no longer earn. A role the person had already (given by a plan
        manager) is left alone either way, and a plan's last manager is never taken away."""
        earned = {(rule.plan_id, rule.role) for rule in self.role_rules.all() if rule.matches(claims)}
        held = {(role.plan_id, role.role): role for role in PlanRole.objects.filter(user=user)}
        for grant in GrantedRole.objects.filter(provider=self, plan_role__user=user).select_related("plan_role"):
            role = grant.plan_role
            if (role.plan_id, role.role) not in earned and not role.removal_blocker():
                role.remove(by=None)
        for plan_id, role in sorted(earned - set(held)):
            GrantedRole.objects.create(provider=self, plan_role=PlanRole.objects.create(
                plan_id=plan_id, user=user, role=role))


class RoleFromClaim(models.Model):
    """A claim value that grants a role on a plan: ``groups`` holding an Entra group's object id
    grants "Viewer" on a plan, say."""

    provider = models.ForeignKey(SignInProvider, on_delete=models.CASCADE, related_name="role_rules")
    claim = models.CharField(max_length=100, default="groups",
                             help_text="The ID token's claim: groups (Entra groups), roles (app roles), ...")
    value = models.CharField(max_length=200, help_text="The value it must hold, such as a group's object id.")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=PlanRole.Role.choices)

    class Meta:
        ordering = ["provider", "claim", "value", "plan", "role"]
        verbose_name = "role from a claim"
        constraints = [models.UniqueConstraint(fields=["provider", "claim", "value", "plan", "role"],
                                               name="role_from_claim_unique")]

    def __str__(self):
        return f"{self.claim} = {self.value} → {self.get_role_display()} of {self.plan}"

    def matches(self, claims: dict) -> bool:
        """Whether the claim holds the value: equals it, or (a list, as groups are) contains it."""
        held = claims.get(self.claim)
        if isinstance(held, list):
            return self.value in [str(item) for item in held]
        return held is not None and str(held) == self.value


class GrantedRole(models.Model):
    """A plan role that a provider's claims granted, so that it can be taken back when they no
    longer do. A role given by hand has none, and sign-in never removes it."""

    plan_role = models.OneToOneField(PlanRole, on_delete=models.CASCADE, related_name="granted_by_sign_in")
    provider = models.ForeignKey(SignInProvider, on_delete=models.CASCADE, related_name="granted_roles")

    class Meta:
        ordering = ["provider", "plan_role"]

    def __str__(self):
        return f"{self.plan_role} (from {self.provider.key})"
