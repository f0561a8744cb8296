// A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider)
// and a bearer-protected Prometheus /metrics endpoint, both on loopback,
// for homedash's tests. Prints one JSON line with both addresses, then one
// JSON line per event the tests count (grants, refreshes, revocations,
// resource requests). Never reaches beyond 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const accessTtl = Number(process.env.HD_OIDC_ACCESS_TTL || 3600);
const log = (o) => process.stdout.write(`${JSON.stringify({ t: Date.now(), ...o })}\n`);
const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));

let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const main = http.createServer((req, res) => handler(req, res));
const issuer = `http://127.0.0.1:${await listen(main)}`;

const provider = new Provider(issuer, {
  clients: [
    { client_id: 'hd-device', token_endpoint_auth_method: 'none', application_type: 'native',
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] },
    { client_id: 'hd-browser', token_endpoint_auth_method: 'none', application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: ['http://127.0.0.1/callback'] },
    // A confidential app with its secret in the form, as Netatmo's are.
    { client_id: 'hd-web', client_secret: process.env.HD_OIDC_CLIENT_SECRET || 'hd-machine-secret',
      token_endpoint_auth_method: 'client_secret_post', application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], redirect_uris: ['http://127.0.0.1/callback'] },
    { client_id: 'hd-machine', client_secret: process.env.HD_OIDC_CLIENT_SECRET || 'hd-machine-secret',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'metrics:read' },
  ],
  scopes: ['openid', 'offline_access', 'metrics:read', 'read_station'],
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
  },
  ttl: { AccessToken: accessTtl, ClientCredentials: accessTtl, DeviceCode: 600, Grant: 86400, Interaction: 600, Session: 86400, RefreshToken: 86400 },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => process.env.HD_OIDC_ROTATE !== '0',
  cookies: { keys: ['hd-test-cookie-key'] },
});
for (const ev of ['grant.success', 'grant.error', 'grant.revoked', 'refresh_token.consumed', 'revocation.error', 'server_error']) {
  provider.on(ev, (ctx, err) => log({
    event: ev,
    grant_type: ctx?.oidc?.params?.grant_type,
    client: ctx?.oidc?.client?.clientId,
    error: err?.error || err?.message,
  }));
}
// Every token value issued, for the tests' canary sweep (opaque tokens'
// values are their jti).
const tokenLog = process.env.HD_OIDC_TOKEN_LOG;
const issued = (kind) => (t) => {
  if (t.grantId) grants.add(t.grantId);
  if (tokenLog) fs.appendFileSync(tokenLog, `${kind} ${t.jti}\n`);
  log({ event: `${kind}.saved`, client: t.clientId });
};
const grants = new Set();
provider.on('refresh_token.saved', issued('refresh_token'));
provider.on('access_token.saved', issued('access_token'));
provider.on('client_credentials.saved', issued('client_credentials'));
handler = provider.callback();

// The protected resource: a Prometheus exposition that needs a live token.
async function validToken(req) {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
  if (!m) return null;
  return (await provider.AccessToken.find(m[1])) || (await provider.ClientCredentials.find(m[1]));
}
const resource = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/admin/revoke-grants') {
    // The server side revokes every grant, as an administrator would.
    for (const id of grants) {
      for (const model of [provider.RefreshToken, provider.AccessToken]) await model.revokeByGrantId(id);
      const g = await provider.Grant.find(id);
      if (g) await g.destroy();
    }
    log({ event: 'admin.revoked', count: grants.size });
    grants.clear();
    res.end('revoked\n');
    return;
  }
  const token = await validToken(req);
  const ok = token && !token.isExpired;
  log({ event: 'resource', path: url.pathname, ok: !!ok, client: token?.clientId });
  if (!ok) {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'text/plain' });
    res.end('invalid token\n');
    return;
  }
  if (url.pathname === '/api/getstationsdata') {
    // Netatmo's weather station answer (its documented shape).
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(fs.readFileSync(new URL('../../widgets/tests/fixtures/netatmo/getstationsdata_CONSTRUCTED.json', import.meta.url)));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end('# HELP up Whether the target is up.\n# TYPE up gauge\nup 1\n# HELP hd_requests_total Requests served.\n# TYPE hd_requests_total counter\nhd_requests_total 42\n');
});
const resourcePort = await listen(resource);
log({ event: 'ready', issuer, resource: `http://127.0.0.1:${resourcePort}` });
