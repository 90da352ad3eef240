"""Plan roles from a provider's claims (identity/models.py): granted at each sign-in, taken back
when the claim goes, never touching a role given by hand or a plan's last manager."""

import pytest
from django.core.exceptions import ValidationError

from identity.models import GrantedRole, RoleFromClaim, SignInProvider
from improvement.models import PlanRole
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, council, plan):
    settings.OIDC_PROVIDERS = [{"id": "walsall", "name": "Walsall Council"}]
    provider = SignInProvider.objects.create(key="walsall", organisation=council)
    RoleFromClaim.objects.create(provider=provider, claim="groups", value="viewers", plan=plan, role="viewer")
    RoleFromClaim.objects.create(provider=provider, claim="roles", value="Plans.Manage", plan=plan, role="manager")
    return provider


def roles(user):
    return sorted(PlanRole.objects.filter(user=user).values_list("role", flat=True))


def test_a_group_in_the_groups_claim_grants_its_role(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"groups": ["all-staff", "viewers"]})
    assert roles(person) == ["viewer"]
    assert GrantedRole.objects.get().plan_role.user == person


def test_a_single_valued_claim_matches_too(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"roles": "Plans.Manage"})
    assert roles(person) == ["manager"]


def test_no_matching_claim_grants_nothing(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"groups": ["all-staff"], "email": "viewers"})
    assert roles(person) == []


def test_signing_in_again_grants_nothing_twice(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"groups": ["viewers"]})
    provider.grant_roles(person, {"groups": ["viewers"]})
    assert roles(person) == ["viewer"] and GrantedRole.objects.count() == 1


def test_a_role_granted_by_a_group_is_taken_back_when_the_group_goes(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"groups": ["viewers"]})
    provider.grant_roles(person, {"groups": []})
    assert roles(person) == [] and not GrantedRole.objects.exists()


def test_a_role_given_by_hand_stays_whatever_the_claims_say(provider, council, plan):
    person = make_user("person", council)
    PlanRole.objects.create(plan=plan, user=person, role="viewer")
    provider.grant_roles(person, {"groups": ["viewers"]})
    provider.grant_roles(person, {"groups": []})
    assert roles(person) == ["viewer"] and not GrantedRole.objects.exists()


def test_the_plans_last_manager_is_not_taken_away(provider, council):
    person = make_user("person", council)
    provider.grant_roles(person, {"roles": ["Plans.Manage"]})
    provider.grant_roles(person, {"roles": []})
    assert roles(person) == ["manager"]


def test_a_provider_row_must_name_a_configured_provider(settings, council):
    with pytest.raises(ValidationError, match="No provider with the id 'elsewhere' is in OIDC_PROVIDERS"):
        SignInProvider(key="elsewhere", organisation=council).full_clean()
