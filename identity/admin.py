"""Sign-in providers in the admin (administrators only): which organisation a provider's people
belong to, and which of its claims grant which plan roles."""

from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin

from .models import GrantedRole, RoleFromClaim, SignInProvider

# Providers come from OIDC_PROVIDERS alone (secrets outside the database), and no tokens are kept:
# allauth's pages for both would be a second, unchecked place to configure sign-in.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)


class RoleFromClaimInline(admin.TabularInline):
    model = RoleFromClaim
    extra = 1
    autocomplete_fields = ["plan"]


@admin.register(SignInProvider)
class SignInProviderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation"]
    inlines = [RoleFromClaimInline]


@admin.register(GrantedRole)
class GrantedRoleAdmin(admin.ModelAdmin):
    """Read only: what sign-in granted, to see why someone has a role."""

    list_display = ["plan_role", "provider"]
    list_select_related = ["plan_role__plan", "plan_role__user", "provider"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
