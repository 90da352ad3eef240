"""Two real providers for the whole run: the council's own (Walsall Council, in the part
Microsoft Entra ID plays) and a partner's (an NHS trust), each with its people."""

import pytest

from identity.models import RoleFromClaim, SignInProvider
from improvement.models import Organisation, PlanRole

from .oidc import Provider, callback_uri, use_providers

TESTSERVER = "http://testserver"
COUNCIL_PEOPLE = {
    "alice": {"email": "alice.ashdown@walsall.gov.uk", "email_verified": True, "given_name": "Alice",
              "family_name": "Ashdown", "groups": ["plan-viewers", "all-staff"]},
    "bea": {"email": "bea.brown@walsall.gov.uk", "email_verified": True, "given_name": "Bea", "groups": ["all-staff"]},
    "carl": {"email": "carl.cole@walsall.gov.uk", "email_verified": False, "groups": ["plan-viewers"]},
    "dee": {"email": "dee.dean@walsall.gov.uk", "groups": ["plan-viewers"]},  # no email_verified, as from Entra
    "vic": {"email": "viewer@walsall.gov.uk", "email_verified": True, "groups": []},
    "twin": {"email": "twin@walsall.gov.uk", "email_verified": True, "groups": []},
    "nomail": {"groups": ["plan-viewers"]},
}
PARTNER_PEOPLE = {
    "nurse": {"email": "named.nurse@walsallhealthcare.nhs.uk", "email_verified": True, "given_name": "Nia",
              "groups": ["safeguarding-team"]},
    # A partner's directory asserting a council address: it must not open the council's account.
    "impostor": {"email": "viewer@walsall.gov.uk", "email_verified": True, "groups": []},
}


def start(provider_id, people, base=TESTSERVER, **options):
    return Provider(client_id=f"improvement-plans-{provider_id}", redirect_uris=[callback_uri(base, provider_id)],
                    post_logout_redirect_uris=[f"{base}/sign-in/"], accounts=people, id_token_ttl=120, **options)


@pytest.fixture(scope="session")
def council_idp():
    provider = start("walsall", COUNCIL_PEOPLE)
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def partner_idp():
    provider = start("nhs", PARTNER_PEOPLE)
    yield provider
    provider.stop()


@pytest.fixture
def providers(settings, council_idp, partner_idp, council, plan):
    """Both providers configured and set up: the council's people belong to the council and its
    "plan-viewers" group reads the plan; the trust's "safeguarding-team" reads it too."""
    use_providers(settings, council_idp.configuration("walsall", "Walsall Council"),
                  partner_idp.configuration("nhs", "Walsall Healthcare NHS Trust"))
    council_provider = SignInProvider.objects.create(key="walsall", organisation=council)
    RoleFromClaim.objects.create(provider=council_provider, claim="groups", value="plan-viewers", plan=plan,
                                 role=PlanRole.Role.VIEWER)
    trust = Organisation.objects.create(name="Walsall Healthcare NHS Trust", kind=Organisation.Kind.NHS)
    partner_provider = SignInProvider.objects.create(key="nhs", organisation=trust)
    RoleFromClaim.objects.create(provider=partner_provider, claim="groups", value="safeguarding-team", plan=plan,
                                 role=PlanRole.Role.VIEWER)
    return {"walsall": council_provider, "nhs": partner_provider}
