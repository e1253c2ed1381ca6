/**
 * A small Entra ID token service on loopback for the On-Behalf-Of path: HTTPS with a test CA this
 * module creates (openssl), so MSAL accepts it as an authority; a child process trusts the CA
 * through NODE_EXTRA_CA_CERTS. It issues Teams-SSO-shaped tokens for test users and exchanges
 * them (grant jwt-bearer, requested_token_use=on_behalf_of) for ARM tokens carrying the same `oid`,
 * which the simulated ARM verifies with `publicKeyPem`.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import path from 'node:path';

export interface FakeEntraApp {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface EntraUser {
  readonly oid: string;
  readonly name: string;
}

export interface OboRequest {
  readonly clientId: string;
  readonly scope: string;
  readonly oid?: string;
  readonly status: number;
}

export interface FakeEntra {
  /** https://127.0.0.1:<port> — the authorityHost. */
  readonly origin: string;
  /** PEM of the test CA, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly publicKeyPem: string;
  /** Every token request, in order. */
  readonly requests: OboRequest[];
  /** The token Teams would hand the bot after SSO (audience: the app's client id). */
  ssoToken(user: EntraUser, opts?: { audience?: string; expiresInS?: number }): string;
  /** From now on, On-Behalf-Of for this user answers as Entra does before the user consented (AADSTS65001). */
  requireConsent(oid: string): void;
  /** The user consented (through the sign-in link): On-Behalf-Of for them works again. */
  grantConsent(oid: string): void;
  close(): Promise<void>;
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const head = b64({ typ: 'JWT', alg: 'RS256', kid: 'fake-entra' });
  const body = b64(claims);
  return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

/** A CA and a server certificate for 127.0.0.1 and localhost, valid for a day. */
function makeCertificates(dir: string): { caFile: string; keyFile: string; certFile: string } {
  const f = (name: string): string => path.join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=Backup Jobs test CA',
  ]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(
    f('ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
  ]);
  return { caFile: f('ca.pem'), keyFile: f('server.key'), certFile: f('server.pem') };
}

export async function startFakeEntra(app: FakeEntraApp): Promise<FakeEntra> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-entra-'));
  const certs = makeCertificates(dir);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signing = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const requests: OboRequest[] = [];
  const needConsent = new Set<string>();
  const sockets = new Set<Duplex>();
  let origin = '';
  const tenant = app.tenantId;

  const claimsOf = (token: string): Record<string, unknown> | undefined => {
    const [h, b, s] = token.split('.');
    if (!h || !b || !s || !verify('RSA-SHA256', Buffer.from(`${h}.${b}`), publicKey, Buffer.from(s, 'base64url'))) return undefined;
    const claims = JSON.parse(Buffer.from(b, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() ? claims : undefined;
  };

  const server = https.createServer({ key: readFileSync(certs.keyFile), cert: readFileSync(certs.certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      const send = (status: number, body: unknown): void => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      const base = `${origin}/${tenant}`;
      if (req.method === 'GET' && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
        return send(200, {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          issuer: `${base}/v2.0`,
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          response_types_supported: ['code', 'id_token', 'token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        });
      }
      if (req.method === 'POST' && url.pathname === `/${tenant}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const scope = form.get('scope') ?? '';
        const record = (status: number, oid?: string): void => {
          requests.push({ clientId: form.get('client_id') ?? '', scope, status, ...(oid ? { oid } : {}) });
        };
        if (form.get('client_id') !== app.clientId || form.get('client_secret') !== app.clientSecret) {
          record(401);
          return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
        }
        const assertion = claimsOf(form.get('assertion') ?? '');
        const oboGrant =
          form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.get('requested_token_use') === 'on_behalf_of';
        if (!oboGrant || !assertion || assertion.aud !== app.clientId || typeof assertion.oid !== 'string') {
          record(400);
          return send(400, {
            error: 'invalid_grant',
            error_description: 'AADSTS50013: Assertion failed signature validation or is not for this app.',
          });
        }
        if (needConsent.has(assertion.oid.toLowerCase())) {
          record(400, assertion.oid);
          return send(400, {
            error: 'invalid_grant',
            error_description:
              "AADSTS65001: The user or administrator has not consented to use the application with ID 'x'. Send an interactive authorization request for this user and resource.",
            error_codes: [65001],
            suberror: 'consent_required',
          });
        }
        const resource = scope.split(' ').find((s) => s.endsWith('/.default') || s.endsWith('/user_impersonation')) ?? scope;
        const now = Math.floor(Date.now() / 1000);
        const accessToken = jwt(signing, {
          aud: resource.replace(/\/(\.default|user_impersonation)$/, ''),
          iss: `https://sts.windows.net/${tenant}/`,
          tid: tenant,
          oid: assertion.oid,
          name: assertion.name,
          scp: 'user_impersonation',
          appid: app.clientId,
          iat: now,
          exp: now + 3600,
        });
        record(200, assertion.oid);
        return send(200, { token_type: 'Bearer', scope, expires_in: 3600, ext_expires_in: 3600, access_token: accessToken });
      }
      send(404, { error: 'not_found', error_description: `no route ${req.method} ${url.pathname}` });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake Entra has no address');
  origin = `https://127.0.0.1:${address.port}`;

  return {
    origin,
    caFile: certs.caFile,
    publicKeyPem,
    requests,
    requireConsent(oid) {
      needConsent.add(oid.toLowerCase());
    },
    grantConsent(oid) {
      needConsent.delete(oid.toLowerCase());
    },
    ssoToken(user, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      return jwt(signing, {
        aud: opts.audience ?? app.clientId,
        iss: `${origin}/${tenant}/v2.0`,
        tid: tenant,
        oid: user.oid,
        name: user.name,
        scp: 'access_as_user',
        uti: randomUUID(),
        iat: now,
        exp: now + (opts.expiresInS ?? 3600),
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
