// A real OpenID Connect provider (the `oidc-provider` package) for kirjuri-web's tests.
//
// Listens on 127.0.0.1 (port OIDC_PORT, default: any free port), registers one confidential
// client (OIDC_CLIENT_ID / OIDC_CLIENT_SECRET) with the redirect URIs in OIDC_REDIRECT_URIS
// (comma-separated), requires PKCE, and prints its issuer URL as the first line on stdout.
// Every login name is an account whose `sub` is that name; the development log-in and consent
// forms are posted by the test. ID tokens live 60 seconds, so a test that moves Kirjuri's clock
// a few minutes on sees them expire. The process exits when its standard input closes, so a
// test that dies does not leave it behind.
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 0);
const clientId = process.env.OIDC_CLIENT_ID || 'kirjuri';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'kirjuri-test-secret';
const redirectUris = (process.env.OIDC_REDIRECT_URIS || '').split(',').filter(Boolean);
if (redirectUris.length === 0) {
  console.error('provider.mjs: set OIDC_REDIRECT_URIS');
  process.exit(2);
}

const server = http.createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  ttl: { IdToken: 60, AccessToken: 60, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  cookies: { keys: ['kirjuri-test-only-cookie-key'] },
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return { sub }; } };
  },
  features: { devInteractions: { enabled: true } },
});
// Development interactions print a warning on stderr; that is expected here.
server.on('request', provider.callback());

process.stdout.write(`${issuer}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
