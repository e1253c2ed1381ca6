/** The HTTP surface: Bot Framework auth on /api/messages and readiness on /healthz. */
import { createServer, type Readiness } from '../../../src/server/server';
import { silentLogger } from '../../../src/core/logger';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { personalMessage, postActivity, AUTH_ON_ENV } from '../../support/teams-activities';

describe('with MicrosoftAppId set', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: AUTH_ON_ENV,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 to a POST /api/messages without a Bot Framework token, and runs nothing', async () => {
    h.sim.resetCounts();
    const res = await postActivity(
      h.app.url,
      personalMessage('track job 7ddead57-bcb9-4269-ac31-6a1b57588700', { serviceUrl: h.connector.serviceUrl }),
    );
    expect(res.status).toBe(401);
    expect(h.connector.activities).toEqual([]);
    expect(h.sim.counts().total ?? 0).toBe(0);
  });
});

describe('/healthz', () => {
  it('is 200 {"status":"ok"} once started, and the app serves local mode without a token', async () => {
    const h = await startBotHarness();
    try {
      const res = await fetch(`${h.app.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      const msg = await postActivity(h.app.url, personalMessage('help', { serviceUrl: h.connector.serviceUrl }));
      expect(msg.status).toBe(200);
      expect(h.connector.cards()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('is 503 while starting or stopping', async () => {
    let state: Readiness = 'starting';
    const server = createServer({ onMessages: async () => undefined, readiness: () => state, logger: silentLogger() });
    const { url } = await server.listen(0, '127.0.0.1');
    try {
      const starting = await fetch(`${url}/healthz`);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toEqual({ status: 'starting' });
      state = 'ready';
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      state = 'stopping';
      expect((await fetch(`${url}/healthz`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  it('answers nothing else', async () => {
    const server = createServer({ onMessages: async () => undefined, readiness: () => 'ready', logger: silentLogger() });
    const { url } = await server.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/api/other`)).status).toBe(404);
      expect((await fetch(`${url}/api/messages`)).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
