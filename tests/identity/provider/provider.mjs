// A real OpenID Connect provider for the single sign-on tests: the certified `oidc-provider`
// package, listening on an ephemeral loopback port. Started by tests/identity/oidc.py with one
// JSON argument:
//
//   {"clients": [{"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}],
//    "accounts": {"<login>": {"email", "email_verified", "given_name", "family_name", "groups"}},
//    "publish_wrong_keys": false}
//
// It prints its issuer ("http://127.0.0.1:<port>") on the first line of stdout once it answers.
// Its sign-in page is oidc-provider's development one: any password, the login names an account
// above. Consent is taken as given (a council's own app registration), so the page after sign-in
// is the relying party's callback. With "publish_wrong_keys" it signs ID tokens with one key and
// publishes another under the same key id: a provider whose tokens do not verify.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] || '{}');
const accounts = options.accounts || {};

function rsaKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const signingKey = rsaKey('test-signing-key');
const { d, p, q, dp, dq, qi, ...otherPublic } = rsaKey('test-signing-key');

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: (options.clients || []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    // Groups come with every ID token, asked for or not, as Microsoft Entra ID sends them.
    claims: {
      openid: ['sub', 'groups'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // Put the scopes' claims in the ID token, as Microsoft Entra ID does with its groups claim.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account }; } };
    },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'given_name', 'family_name', 'name', 'groups']);
      await grant.save();
      return grant;
    },
    ttl: { IdToken: options.id_token_ttl || 3600 },
  });
  provider.proxy = false;
  if (options.publish_wrong_keys) {
    provider.use(async (ctx, next) => {
      if (ctx.path === '/jwks') {
        ctx.type = 'application/jwk-set+json';
        ctx.body = { keys: [otherPublic] };
        return;
      }
      await next();
    });
  }
  server.on('request', provider.callback());
  process.stdout.write(`${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
