import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createLogger, silentLogger } from '../../../src/core/logger';
import { LATEST_VERSION, migrate, schemaVersion } from '../../../src/store/sqlite/migrations';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { prepareStatements } from '../../../src/store/sqlite/statements';
import { describeStoreConformance } from '../../conformance/store-conformance';
import { memoryStore } from '../../support/memory-store';
import { CONV_A, CONV_B, RUNNING, T0, VAULT, final, jobIdOf, jobInput, jobKeyOf, subInput } from '../../conformance/store-fixtures';

describeStoreConformance(
  'sqlite file',
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'store-conf-'));
    const file = path.join(dir, 'state.db');
    return {
      store: new SqliteStore({ path: file }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      reopen: async () => new SqliteStore({ path: file }),
      sibling: async () => new SqliteStore({ path: file }),
    };
  },
  { durable: true },
);

describeStoreConformance('sqlite :memory:', async () => ({ store: new SqliteStore({ path: ':memory:' }), cleanup: async () => undefined }));

// The store every unit test runs on: :memory: started from a migrated image.
describeStoreConformance('sqlite :memory: from an image (test/support/memory-store)', async () => ({
  store: memoryStore(),
  cleanup: async () => undefined,
}));

describe('SqliteStore (SQLite specifics)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'store-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and the database file on first run, in WAL mode with a busy timeout', async () => {
    const file = path.join(dir, 'data', 'nested', 'state.db');
    const store = new SqliteStore({ path: file });
    await store.init();
    expect(existsSync(file)).toBe(true);
    const db = store.connection();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    await store.close();
  });

  it('opens a serialized image in memory: a copy of its data that the source never sees, migrated like a file', async () => {
    const source = new SqliteStore({ path: ':memory:' });
    source.initSync();
    await source.subscribe(jobInput(1), subInput(CONV_A), T0);
    const old = new Database(':memory:');
    migrate(old, silentLogger(), 1);
    for (const image of [source.connection().serialize(), old.serialize()]) {
      const copy = new SqliteStore({ path: ':memory:', image });
      await copy.init();
      expect(schemaVersion(copy.connection())).toBe(LATEST_VERSION);
      await copy.subscribe(jobInput(2), subInput(CONV_B), T0);
      expect((await copy.listByConversation(CONV_B)).map((r) => r.job.jobKey)).toEqual([jobKeyOf(2)]);
      await copy.close();
    }
    expect((await source.getSubscribers(jobKeyOf(1))).map((s) => s.conversationId)).toEqual([CONV_A]);
    expect(await source.getJob(jobKeyOf(2))).toBeUndefined();
    await source.close();
    const onFile = new SqliteStore({ path: path.join(dir, 'state.db'), image: Buffer.alloc(0) });
    await expect(onFile.init()).rejects.toThrow(/only in memory/);
    expect(existsSync(path.join(dir, 'state.db'))).toBe(false);
  });

  it('migrates a database written by an older schema version, keeping its data', async () => {
    const file = path.join(dir, 'state.db');
    const old = new Database(file);
    migrate(old, silentLogger(), 1);
    expect(schemaVersion(old)).toBe(1);
    old
      .prepare(
        `INSERT INTO jobs (job_key, subscription_id, resource_group, vault_name, job_id, created_at, state, last_job, next_poll_at, schedule)
      VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, '{"step":1}')`,
      )
      .run(jobKeyOf(1), VAULT.subscriptionId, VAULT.resourceGroup, VAULT.vaultName, jobIdOf(1), T0, JSON.stringify(RUNNING), T0);
    old
      .prepare(
        `INSERT INTO subscriptions (job_key, conversation_id, conversation_ref, requester_id, requester_name, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(jobKeyOf(1), CONV_A, JSON.stringify(subInput(CONV_A).conversationRef), '29:1abc', 'Ada Lovelace', T0);
    old.close();

    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => lines.push(l) });
    const store = new SqliteStore({ path: file, logger });
    await store.init();
    expect(schemaVersion(store.connection())).toBe(LATEST_VERSION);
    expect(lines.join('')).toContain('transactional outbox');
    expect(await store.getJob(jobKeyOf(1))).toMatchObject({ state: 'active', lastJob: RUNNING, schedule: { step: 1 } });
    // The migrated database does everything, including what only the newer schema can.
    const [job] = await store.claimDueJobs('w1', T0, 60_000, 10);
    expect(await store.commitPoll('w1', { jobKey: job.jobKey, nextPollAt: T0, schedule: {}, end: 'terminal' }, [final(1, CONV_A)])).toBe(
      true,
    );
    const [m] = await store.claimMessages('d1', T0, 60_000, 10);
    expect(m.message.subscriber).toMatchObject({ conversationId: CONV_A, requester: { id: '29:1abc', name: 'Ada Lovelace' } });
    await store.close();
  });

  it('migrates a version 2 database to team ids: its subscriptions are kept without a team, and get one when tracked again', async () => {
    const file = path.join(dir, 'state.db');
    const old = new Database(file);
    migrate(old, silentLogger(), 2);
    expect(schemaVersion(old)).toBe(2);
    old
      .prepare(
        `INSERT INTO jobs (job_key, subscription_id, resource_group, vault_name, job_id, created_at, state, last_job, next_poll_at, schedule)
      VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, '{}')`,
      )
      .run(jobKeyOf(1), VAULT.subscriptionId, VAULT.resourceGroup, VAULT.vaultName, jobIdOf(1), T0, JSON.stringify(RUNNING), T0);
    for (const conv of [CONV_A, CONV_B]) {
      old
        .prepare(
          `INSERT INTO subscriptions (job_key, conversation_id, conversation_ref, requester_id, requester_name, locale, time_zone, created_at, card_activity_id, card_digest)
        VALUES (?, ?, ?, '29:1abc', 'Ada Lovelace', 'en-US', 'Europe/Berlin', ?, 'card-1', 'digest-1')`,
        )
        .run(jobKeyOf(1), conv, JSON.stringify(subInput(conv).conversationRef), T0);
    }
    old
      .prepare(`INSERT INTO outbox (job_key, conversation_id, kind, payload) VALUES (?, ?, 'final', ?)`)
      .run(jobKeyOf(1), CONV_A, JSON.stringify(final(1, CONV_A)));
    old.close();

    const lines: string[] = [];
    const store = new SqliteStore({ path: file, logger: createLogger('info', { write: (l: string) => lines.push(l) }) });
    await store.init();
    expect(schemaVersion(store.connection())).toBe(LATEST_VERSION);
    expect(lines.join('')).toContain('team of each subscription');
    const before = { ...subInput(CONV_A), jobKey: jobKeyOf(1), createdAt: T0, cardActivityId: 'card-1', cardDigest: 'digest-1' };
    expect((await store.getSubscribers(jobKeyOf(1)))[0]).toEqual(before);
    expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 2, pendingMessages: 1 });

    // Rows from before have no team: dropTeam leaves them; tracking again records the team.
    const team = '19:team-general@thread.tacv2';
    expect(await store.dropTeam(team)).toBe(0);
    await store.subscribe(jobInput(1), { ...subInput(CONV_A), teamId: team }, T0 + 1);
    expect((await store.getSubscribers(jobKeyOf(1)))[0]).toEqual({ ...before, teamId: team });
    const plan = store
      .connection()
      .prepare(`EXPLAIN QUERY PLAN ${prepareStatements(store.connection()).subsOfTeam.source}`)
      .all(team);
    expect(plan.map((r) => (r as { detail: string }).detail).join('\n')).toMatch(/USING (COVERING )?INDEX subscriptions_by_team/);
    expect(await store.dropTeam(team)).toBe(1);
    expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 1, pendingMessages: 0 });
    await store.close();
  });

  it('refuses a database from a newer build and leaves it untouched', async () => {
    const file = path.join(dir, 'state.db');
    const future = new Database(file);
    future.pragma(`user_version = ${LATEST_VERSION + 1}`);
    future.close();
    const store = new SqliteStore({ path: file });
    await expect(store.init()).rejects.toThrow(/newer than this build/);
    const check = new Database(file);
    expect(schemaVersion(check)).toBe(LATEST_VERSION + 1);
    expect(check.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get()).toEqual({ n: 0 });
    check.close();
  });

  it('claims due jobs through the due-time index, without sorting, at 10,000 tracked jobs', async () => {
    const store = new SqliteStore({ path: path.join(dir, 'state.db') });
    await store.init();
    for (let n = 0; n < 10_000; n++) await store.subscribe(jobInput(n, T0 + (n % 1000) * 1000), subInput(`19:c${n % 50}@thread.tacv2`), T0);
    const plan = (sql: string): string =>
      store
        .connection()
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ owner: 'w', until: 0, now: 0, limit: 8 })
        .map((r) => (r as { detail: string }).detail)
        .join('\n');
    const claimSql = prepareStatements(store.connection()).claimJobs.source;
    expect(plan(claimSql)).toMatch(/SEARCH j USING INDEX jobs_due \(state=\? AND next_poll_at<\?\)/);
    expect(plan(claimSql)).not.toMatch(/TEMP B-TREE/);
    expect(plan(prepareStatements(store.connection()).dueMessages.source)).toMatch(/USING INDEX outbox_due/);

    for (const limit of [8, 200]) {
      const now = T0 + 100_000; // 1,010 jobs due
      const got = await store.claimDueJobs(`w${limit}`, now, 60_000, limit);
      expect(got).toHaveLength(limit);
      expect(got.every((j) => j.nextPollAt <= now && j.leaseOwner === `w${limit}`)).toBe(true);
      expect(got.map((j) => j.nextPollAt)).toEqual([...got.map((j) => j.nextPollAt)].sort((a, b) => a - b));
    }
    expect(await store.stats()).toEqual({ activeJobs: 10_000, subscriptions: 10_000, pendingMessages: 0 });
    await store.close();
  });

  it('binds no LIMIT as a bare parameter, which SQLite would parse and plan again at every call', () => {
    const db = new Database(':memory:');
    migrate(db, silentLogger());
    const st = prepareStatements(db) as unknown as Record<string, { source: string }>;
    const sources = Object.getOwnPropertyNames(st).map((name) => st[name].source);
    expect(sources.length).toBeGreaterThan(20);
    for (const sql of sources) expect(sql).not.toMatch(/LIMIT\s+[@:$?]/i);
    // The two claims keep their caller's limit, read at run time (the test above claims 8 and 200).
    expect(sources.filter((sql) => sql.includes('LIMIT CAST(@limit AS INTEGER)'))).toHaveLength(2);
    db.close();
  });

  it('drops a channel and its threads through the conversation index, without scanning subscriptions', async () => {
    const store = new SqliteStore({ path: path.join(dir, 'state.db') });
    await store.init();
    const channel = (c: number): string => `19:c${c}@thread.tacv2`;
    for (let n = 0; n < 2_000; n++)
      await store.subscribe(jobInput(n), subInput(`${channel(n % 20)};messageid=${1_700_000_000_000 + n}`), T0);
    await store.subscribe(jobInput(0), subInput(channel(7)), T0);
    const sql = prepareStatements(store.connection()).subsOfConversationAndThreads.source;
    const plan = store
      .connection()
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all({ id: 'x', from: 'x', to: 'y' })
      .map((r) => (r as { detail: string }).detail);
    expect(plan.filter((d) => /SEARCH subscriptions USING (COVERING )?INDEX subscriptions_by_conversation/.test(d))).toHaveLength(2);
    expect(plan.join('\n')).not.toMatch(/SCAN/);
    expect(await store.dropConversation(channel(7))).toBe(101);
    expect(await store.stats()).toMatchObject({ subscriptions: 1_900 });
    await store.close();
  });

  it('reads the jobs of a conversation and checks the caps through indexes: no scan, the active count on the due index alone', async () => {
    const store = new SqliteStore({ path: path.join(dir, 'state.db') });
    await store.init();
    for (let n = 0; n < 2_000; n++) await store.subscribe(jobInput(n), subInput(`19:c${n % 40}@thread.tacv2`), T0);
    const st = prepareStatements(store.connection());
    const plan = (sql: string, params: unknown): string =>
      store
        .connection()
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params as never)
        .map((r) => (r as { detail: string }).detail)
        .join('\n');
    const caps = plan(st.conversationCaps.source, { jobKey: 'k', conversationId: 'c' });
    const list = plan(st.followedByConversation.source, ['c']);
    for (const p of [caps, list]) {
      expect(p).toMatch(/SEARCH s USING (COVERING )?INDEX subscriptions_by_conversation \(conversation_id=\?\)/);
      expect(p).toMatch(/SEARCH j USING INDEX sqlite_autoindex_jobs_1 \(job_key=\?\)/);
      expect(p).not.toMatch(/SCAN/);
    }
    expect(plan(st.activeJobs.source, [])).toMatch(/SEARCH jobs USING COVERING INDEX jobs_due \(state=\?\)/);
    const limits = { jobsPerConversation: 51, jobsTotal: 2_000, pendingPerConversation: 5 };
    expect(await store.refusedBy(jobKeyOf(5_000), '19:c1@thread.tacv2', false, limits)).toBe('jobsTotal');
    expect(await store.listByConversation('19:c1@thread.tacv2')).toHaveLength(50);
    await store.close();
  });

  it('two connections to one file never claim the same job', async () => {
    const file = path.join(dir, 'state.db');
    const a = new SqliteStore({ path: file });
    const b = new SqliteStore({ path: file });
    await a.init();
    await b.init();
    for (let n = 0; n < 50; n++) await a.subscribe(jobInput(n, T0 + n), subInput(CONV_A), T0);
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const [x, y] = await Promise.all([a.claimDueJobs('a', T0 + 100, 60_000, 3), b.claimDueJobs('b', T0 + 100, 60_000, 3)]);
      seen.push(...x.map((j) => j.jobKey), ...y.map((j) => j.jobKey));
    }
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    await a.close();
    await b.close();
  });
});
