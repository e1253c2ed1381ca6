/**
 * Durability of the SQLite store under kill -9: a child process works the store in a tight loop
 * and is killed at random moments; after every kill the database is reopened and checked.
 * (Notices end to end through the tracker are tested in test/unit/tracker.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';

const CHILD = path.join(__dirname, 'fixtures', 'store-crash-child.js');
const KILLS = 22;

interface RunOutput {
  lines: string[];
  stderr: string;
}

/** Starts the child, lets it work for `workMs` after it is ready, then SIGKILLs it. */
function runAndKill(db: string, runId: number, workMs: number): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, db, String(runId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.startsWith('READY\n')) timer = setTimeout(() => child.kill('SIGKILL'), workMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ${runId} ended by itself (code ${code}): ${stderr}`));
        return;
      }
      // A line cut by the kill was not fully announced: drop it.
      const lines = out.split('\n').slice(0, -1);
      resolve({ lines: lines.filter((l) => l !== 'READY'), stderr });
    });
  });
}

/** Small seeded generator so a failing kill pattern can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('SqliteStore survives kill -9', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'store-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`loses no committed message and resends none marked sent, across ${KILLS} kills`, async () => {
    const db = path.join(dir, 'state.db');
    const seed = Date.now() % 100_000;
    const random = lcg(seed);
    const committed = new Set<string>();
    const sentIds = new Map<number, string>();

    for (let run = 0; run < KILLS; run++) {
      const { lines } = await runAndKill(db, run, 10 + Math.floor(random() * 200));
      for (const line of lines) {
        const [tag, a, kind, jobKey, conversationId] = line.split(' ');
        if (tag === 'COMMIT') committed.add(a);
        if (tag === 'SENT') {
          // The same message completed twice would be a duplicate notice.
          expect({ seed, run, duplicate: sentIds.has(Number(a)) ? a : undefined }).toEqual({ seed, run, duplicate: undefined });
          sentIds.set(Number(a), `${kind} ${jobKey} ${conversationId}`);
        }
      }

      const store = new SqliteStore({ path: db });
      await store.init();
      const conn = store.connection();
      expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
      // Every job that ended, announced or not, carries exactly one final per subscriber: the
      // end and its notices were committed together, never twice. (A child may die between its
      // two subscribes, leaving a job with one subscriber.)
      const mismatched = conn
        .prepare(
          `SELECT j.job_key,
            (SELECT group_concat(conversation_id) FROM (SELECT conversation_id FROM subscriptions s WHERE s.job_key = j.job_key ORDER BY 1)) AS subs,
            (SELECT group_concat(conversation_id) FROM (SELECT conversation_id FROM outbox o WHERE o.job_key = j.job_key AND o.kind = 'final' ORDER BY 1)) AS finals
          FROM jobs j WHERE j.state = 'ended'`,
        )
        .all()
        .filter((r) => {
          const row = r as { subs: string | null; finals: string | null };
          return row.subs === null || row.subs !== row.finals;
        });
      expect({ run, mismatched }).toEqual({ run, mismatched: [] });
      const strayFinals = conn
        .prepare(
          `SELECT count(*) AS n FROM outbox o WHERE kind = 'final'
        AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.job_key = o.job_key AND j.state = 'ended')`,
        )
        .get() as { n: number };
      expect({ run, strayFinals: strayFinals.n }).toEqual({ run, strayFinals: 0 });
      const endedKeys = new Set(
        (conn.prepare(`SELECT job_key FROM jobs WHERE state = 'ended'`).all() as Array<{ job_key: string }>).map((r) => r.job_key),
      );
      expect({ run, lost: [...committed].filter((k) => !endedKeys.has(k)) }).toEqual({ run, lost: [] });

      // Sent stays sent: finals are kept as sent, cards are gone and left their id on the subscription.
      const stateOf = new Map(
        (conn.prepare('SELECT id, state FROM outbox').all() as Array<{ id: number; state: string }>).map((r) => [r.id, r.state]),
      );
      const resurrected = [...sentIds].filter(([id, what]) => stateOf.get(id) !== (what.startsWith('final') ? 'sent' : undefined));
      expect({ run, resurrected }).toEqual({ run, resurrected: [] });
      const stats = await store.stats();
      const pending = conn.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'pending'`).get() as { n: number };
      const orphans = conn
        .prepare(
          `SELECT count(*) AS n FROM outbox o WHERE state = 'pending'
        AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.job_key = o.job_key AND s.conversation_id = o.conversation_id)`,
        )
        .get() as { n: number };
      expect({ run, pending: stats.pendingMessages, orphans: orphans.n }).toEqual({ run, pending: pending.n, orphans: 0 });
      await store.close();
    }

    // The children did real work between kills, so the checks above were not vacuous.
    expect(committed.size).toBeGreaterThanOrEqual(KILLS);
    expect([...sentIds.values()].filter((v) => v.startsWith('final')).length).toBeGreaterThanOrEqual(KILLS);

    // Draining what the last child left: every final is delivered exactly once overall.
    const store = new SqliteStore({ path: db });
    await store.init();
    const later = Date.now() + 3_600_000;
    for (;;) {
      const batch = await store.claimMessages('drain', later, 60_000, 500);
      if (batch.length === 0) break;
      for (const m of batch) {
        expect(sentIds.has(m.id)).toBe(false);
        await store.completeMessage('drain', m.id, {});
      }
    }
    const unsent = store.connection().prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'final' AND state <> 'sent'`).get() as {
      n: number;
    };
    expect(unsent.n).toBe(0);
    expect((await store.stats()).pendingMessages).toBe(0);
    await store.close();
  }, 60_000);
});
