/**
 * The Bot Framework token service of an Azure Bot's OAuth connection, on loopback: what a bot asks
 * when Teams' silent SSO cannot give it a token. It hands out a sign-in link (GetSignInResource)
 * and, once the test "signs the user in" there, redeems the magic code Teams sends with the press
 * again (GetToken). Every request is recorded, so a test can assert what the bot asked.
 */
import http from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';

export interface TokenServiceRequest {
  readonly route: 'signInResource' | 'getToken';
  readonly query: Record<string, string>;
  readonly status: number;
}

export interface FakeTokenService {
  /** http://127.0.0.1:<port>: SSO_TOKEN_SERVICE_URL. */
  readonly url: string;
  readonly requests: TokenServiceRequest[];
  /** The sign-in link it hands out, and the token exchange resource beside it. */
  readonly signInLink: string;
  readonly exchangeResource: { readonly id: string; readonly uri: string; readonly providerId: string };
  /** The user signed in through the link: the magic code Teams then sends, redeemable once for `token`. */
  completeSignIn(userId: string, connectionName: string, token: string): string;
  close(): Promise<void>;
}

export async function startFakeTokenService(appIdUri: string): Promise<FakeTokenService> {
  const requests: TokenServiceRequest[] = [];
  const codes = new Map<string, { userId: string; connectionName: string; token: string }>();
  let url = '';
  const exchangeResource = { id: `tx-${randomUUID()}`, uri: appIdUri, providerId: 'provider-aad' };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(u.searchParams);
    const send = (route: TokenServiceRequest['route'], status: number, body?: unknown): void => {
      requests.push({ route, query, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.method === 'GET' && u.pathname === '/api/botsignin/GetSignInResource') {
      return send('signInResource', 200, {
        signInLink: `${url}/signin`,
        tokenExchangeResource: exchangeResource,
      });
    }
    if (req.method === 'GET' && u.pathname === '/api/usertoken/GetToken') {
      const entry = codes.get(query.code ?? '');
      if (!entry || entry.userId !== query.userId || entry.connectionName !== query.connectionName) return send('getToken', 404);
      codes.delete(query.code ?? '');
      return send('getToken', 200, {
        channelId: query.channelId,
        connectionName: entry.connectionName,
        token: entry.token,
        expiration: new Date(Date.now() + 3600_000).toISOString(),
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake token service has no address');
  url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    requests,
    get signInLink() {
      return `${url}/signin`;
    },
    exchangeResource,
    completeSignIn(userId, connectionName, token) {
      const code = String(randomInt(100_000, 999_999));
      codes.set(code, { userId, connectionName, token });
      return code;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
