/**
 * Issue 6, multi-instance test: three bot processes (src/index.ts, configured by environment
 * only) on one Redis, the simulated vault as ARM, a recording Bot Connector. 200 jobs are tracked
 * by Teams messages sent round robin to the three bots (every fourth job also from a personal chat
 * through another bot); one bot is killed with SIGKILL midway. Every completion must be announced
 * exactly once per (job, conversation), and the three bots together must read ARM no more than one
 * bot does for the same jobs, run side by side on the same scenario (its own Redis database).
 *
 * No step depends on the machine's speed. The jobs are held running in the simulated vault until
 * the test releases them: all are tracked first, then 40 % are released and announced, then the
 * kill, then the rest. The read counts themselves depend on how long the run takes, so the test
 * asserts what is exact by construction, in both runs: each job's end is read exactly once (no
 * instance reads what another already read), and a vault's sweep (BackupJobs_List) for the same
 * cohort of jobs never comes sooner than half a poll interval after the previous one, whichever
 * instance makes it (the list's own time window says which cohort and when the bot decided).
 * The ratio of the two totals is printed for the record. ARM's job filter states times to the
 * second (src/azure/urls.ts), so the poll interval is 2 s: a sweep half an interval after the
 * previous one always names a later second, and two sweeps naming the same second are early.
 *
 * The kill never lands in the documented duplicate window (a notice the connector accepted and
 * the instance did not yet record): the victim is frozen (SIGSTOP), and killed only when Redis
 * shows it holds no lease on a job or a notice; otherwise it is resumed and tried again.
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { silentLogger } from '../../../src/core/logger';
import { systemClock } from '../../../src/core/clock';
import { parseFilter } from '../../../tools/simulator/filter';
import { generatedJobs } from '../../../tools/simulator/generated-jobs';
import { SimulatorServer, type SimRead } from '../../../tools/simulator/server';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { RecordingConnector, cardOf, type RecordedActivity } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { MEGAN, channelMessage, personalMessage, type Activity } from '../../support/teams-activities';
import { startBot, type BotProcess } from './bot-process';

/**
 * 200 jobs in 10 vaults of 10 subscriptions: the bots' read budget (10 reads/s per subscription)
 * never binds, so no read is deferred and the sweeps follow the poll interval alone.
 */
const SUBSCRIPTIONS = Array.from({ length: 10 }, (_, k) => `3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e${String(k).padStart(2, '0')}`);
const JOBS_PER_VAULT = 20;
const JOBS = SUBSCRIPTIONS.length * JOBS_PER_VAULT;
const POLL_INTERVAL_MS = 2000;
/** The job filter's time resolution: 'yyyy-MM-dd hh:mm:ss AM' (src/azure/urls.ts filterTime). */
const FILTER_RESOLUTION_MS = 1000;
/** Jobs of a vault start this far apart, so each names its own second in the filter (the cohort key). */
const START_SPACING_MS = 5000;
const MIN = 60_000;
/** Failure guards for a loaded machine, not durations under test. */
const PHASE_TIMEOUT_MS = 90_000;
/** Track messages in flight at once. */
const TRACK_CONCURRENCY = 25;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ENDED = new Set(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  readonly name: string;
  /** `${jobId} ${conversationId}` of every conversation that started tracking a running job. */
  readonly pairs: Set<string>;
  readonly finals: Map<string, number>;
  readonly reads: number;
  /** e.g. "1100 GET + 150 list" */
  readonly readsBy: string;
  /** Jobs whose end was read other than exactly once: `jobId × n`. */
  readonly endReadsNotOnce: string[];
  /** Sweeps of one cohort less than P/2 after the previous one. */
  readonly earlySweeps: string[];
  readonly seconds: number;
  readonly kill?: { readonly attempts: number; readonly finalsAfter: number; readonly victimPairsAfter: number };
  readonly botErrors: string[];
  readonly left?: { activeJobs: number; subscriptions: number; pendingMessages: number };
}

/** Leases (jobs or outbox messages) `owner` holds in the Redis store under prefix `bj:` (see src/store/redis/lua.ts). */
const LEASES_OF = `
local P, owner, n = 'bj:', ARGV[1], 0
for _, k in ipairs(redis.call('ZRANGE', P..'due', 0, -1)) do
  if redis.call('HGET', P..'job:'..k, 'leaseOwner') == owner then n = n + 1 end
end
for _, id in ipairs(redis.call('SMEMBERS', P..'pending')) do
  if redis.call('HGET', P..'msg:'..id, 'leaseOwner') == owner then n = n + 1 end
end
return n`;

/** Resolves once the kernel reports `pid` stopped (state T): a SIGSTOP is delivered asynchronously. */
async function untilStopped(pid: number): Promise<void> {
  for (;;) {
    let stat: string;
    try {
      stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    } catch {
      // No procfs (not Linux): the process state cannot be read; a moment lets the signal land.
      await sleep(100);
      return;
    }
    // "pid (comm) S …": the state follows the last ')'.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await sleep(5);
  }
}

/** Freezes the bot until Redis shows it holds nothing, then SIGKILLs it. Returns the tries it took. */
async function killOutsideWindow(bot: BotProcess, redis: Redis): Promise<number> {
  for (let attempt = 1; attempt <= 300; attempt++) {
    bot.signal('SIGSTOP');
    await untilStopped(bot.pid);
    // A command the bot wrote just before it stopped is already in Redis's socket buffer: two
    // round trips of ours let Redis's event loop go past it before we look.
    await redis.ping();
    await redis.ping();
    if (Number(await redis.eval(LEASES_OF, 0, bot.owner)) === 0) {
      bot.signal('SIGKILL');
      return attempt;
    }
    bot.signal('SIGCONT');
    // Another moment of its work: some chance the next freeze finds it between leases.
    await sleep(20 + Math.random() * 200);
  }
  throw new Error(`${bot.name} never came to a moment without leases`);
}

const offersUntrack = (a: RecordedActivity): boolean => {
  const actions = (cardOf(a)?.['actions'] ?? []) as Array<{ data?: { action?: string } }>;
  return actions.some((x) => x.data?.action === 'untrack');
};
/** The completion notice: a new message (or a reply to the card) that @mentions the requester. */
const mentions = (a: RecordedActivity): boolean => a.op !== 'update' && (a.activity.entities ?? []).some((e) => e['type'] === 'mention');

/**
 * One connection per message: on a loaded machine a reused keep-alive socket may be closed by the
 * bot (its idle timeout) just as the next message is written to it, failing a post ("other side
 * closed") that the bot never saw.
 */
const oneShot = new Agent({ pipelining: 0 });

/** POSTs an activity to the bot as the connector does. */
async function postActivity(botUrl: string, activity: Activity): Promise<{ status: number; body: string }> {
  const res = await request(`${botUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
    dispatcher: oneShot,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** Checks `check` until true; fails after PHASE_TIMEOUT_MS (a guard: a healthy run is far quicker). */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * What the reads show, exactly by construction: every job's end read once (a GET answering an
 * ended status), and per vault and cohort (the list window's start: the earliest start among the
 * jobs the round claimed, distinct per job) no sweep less than P/2 after the previous one, since
 * a claimed job is next due at its vault's tick at least P/2 after the round's decision. The
 * filter's times are cut to the second, so a gap is flagged only when it is early whatever the
 * cut milliseconds were (gap + 999 ms < P/2): never a false alarm, and with P = 2 s any two
 * sweeps of a cohort within one second are caught.
 */
function checkReads(reads: readonly SimRead[], jobIds: readonly string[]): { endReadsNotOnce: string[]; earlySweeps: string[] } {
  const endReads = new Map(jobIds.map((id) => [id, 0]));
  const sweeps = new Map<string, number[]>();
  for (const r of reads) {
    if (r.kind === 'getJob' && r.jobId && r.status && ENDED.has(r.status)) endReads.set(r.jobId, (endReads.get(r.jobId) ?? 0) + 1);
    if (r.kind === 'listJobs' && r.filter && !r.nextPage) {
      const f = parseFilter(r.filter);
      const cohort = `${r.vault} from ${f.startTime}`;
      sweeps.set(cohort, [...(sweeps.get(cohort) ?? []), f.endTime!]);
    }
  }
  const earlySweeps: string[] = [];
  for (const [cohort, times] of sweeps) {
    // In the order the bots decided them (requests of two instances may arrive the other way round).
    const sorted = [...times].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const gap = sorted[i] - sorted[i - 1];
      if (gap + FILTER_RESOLUTION_MS - 1 < POLL_INTERVAL_MS / 2)
        earlySweeps.push(`${cohort}: ${gap} ms after the previous sweep (to the second)`);
    }
  }
  return { endReadsNotOnce: [...endReads].filter(([, n]) => n !== 1).map(([id, n]) => `${id} × ${n}`), earlySweeps };
}

/** `instances` bots on `stateStore` track the 200 jobs; with `killOne`, bot 1 is killed once 40 % of the jobs are announced. */
async function runScenario(name: string, instances: number, stateStore: string, killOne: boolean): Promise<Outcome> {
  const started = Date.now();
  const sim = new SimulatorServer({ clock: systemClock, logger: silentLogger() });
  const connector = await RecordingConnector.start();
  const bots: BotProcess[] = [];
  try {
    const armUrl = await sim.start(0, '127.0.0.1');
    const vaultIds = SUBSCRIPTIONS.map(
      (sub, k) => `/subscriptions/${sub}/resourceGroups/rg-bench/providers/Microsoft.RecoveryServices/vaults/vault-${k + 1}`,
    );
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      STATE_STORE: stateStore,
      ARM_ENDPOINT: armUrl,
      ARM_AUTH: 'none',
      AZURE_SUBSCRIPTION_ID: SUBSCRIPTIONS[0],
      BACKUP_VAULTS: vaultIds.join(','),
      POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_MS / 1000),
      MicrosoftAppId: '',
      LOG_LEVEL: 'info',
    };
    bots.push(...(await Promise.all(Array.from({ length: instances }, (_, i) => startBot(`${name}-${i}`, env)))));

    // Their scripted tasks are over before the test starts; held, they run until released.
    const now = systemClock.now();
    const specs = SUBSCRIPTIONS.flatMap((subscriptionId, k) =>
      generatedJobs({
        seed: 6 + k,
        jobs: JOBS_PER_VAULT,
        vaults: 1,
        subscriptionId,
        start: now - 10 * MIN,
        startSpreadMs: 2 * MIN,
        minDurationMs: 1 * MIN,
        maxDurationMs: 3 * MIN,
      })
        // Each job of a vault in its own whole second (the filter's resolution).
        .map((spec, i) => ({
          ...spec,
          vault: { ...spec.vault, vaultName: `vault-${k + 1}` },
          startAt: Math.floor(now / FILTER_RESOLUTION_MS) * FILTER_RESOLUTION_MS - 10 * MIN + i * START_SPACING_MS,
        })),
    );
    // The cohort key of checkReads needs distinct start seconds within a vault.
    for (const vault of new Set(specs.map((j) => j.vault.vaultName))) {
      const starts = specs.filter((j) => j.vault.vaultName === vault).map((j) => Math.floor(j.startAt / FILTER_RESOLUTION_MS));
      expect(new Set(starts).size).toBe(starts.length);
    }
    for (const spec of specs) sim.addJob(spec, { held: true });
    const reads: SimRead[] = [];
    sim.reads.observe((r) => reads.push(r));
    sim.resetCounts();

    // One channel thread per job, through bot i; every fourth job also from a personal chat, through bot i + 1.
    const posts: Array<{ bot: BotProcess; activity: Activity; jobId: string; conversationId: string }> = [];
    specs.forEach((spec, i) => {
      const armId = `/subscriptions/${spec.vault.subscriptionId}/resourceGroups/${spec.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${spec.vault.vaultName}/backupJobs/${spec.jobId}`;
      const channelId = `19:ops-${i % 5}@thread.tacv2`;
      const id = `${1767225600000 + i}`;
      posts.push({
        bot: bots[i % instances],
        activity: channelMessage(`track job ${armId}`, { serviceUrl: connector.serviceUrl, channelId, id }),
        jobId: spec.jobId,
        conversationId: `${channelId};messageid=${id}`,
      });
      if (i % 4 === 0) {
        const chatId = `a:personal-${i % 7}`;
        posts.push({
          bot: bots[(i + 1) % instances],
          activity: personalMessage(`track job ${armId}`, { serviceUrl: connector.serviceUrl, chatId, from: MEGAN }),
          jobId: spec.jobId,
          conversationId: chatId,
        });
      }
    });
    const pairs = new Set<string>();
    const viaVictim = new Set<string>();
    const answeredFinished: string[] = [];
    await pool(posts, TRACK_CONCURRENCY, async (p) => {
      const res = await postActivity(p.bot.url, p.activity);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
      const reply = connector.activities.find((a) => a.op === 'reply' && a.replyToId === p.activity.id);
      expect(reply).toBeDefined();
      // A job that had ended would be answered with a final card that offers no "Stop tracking".
      if (cardOf(reply!) !== undefined && !offersUntrack(reply!)) answeredFinished.push(p.jobId);
      pairs.add(`${p.jobId} ${p.conversationId}`);
      if (killOne && p.bot === bots[1]) viaVictim.add(`${p.jobId} ${p.conversationId}`);
    });
    // Held, every job was running when tracked.
    expect(answeredFinished).toEqual([]);

    // The job a completion notice is about: the one job id its card carries.
    const jobIds = new Set(specs.map((j) => j.jobId));
    const keys = new Map<number, string>();
    const pairOf = (a: RecordedActivity): string => {
      let key = keys.get(a.seq);
      if (key === undefined) {
        const ids = (JSON.stringify(a.activity).match(GUID) ?? []).filter((id) => jobIds.has(id));
        key = `${ids[0] ?? 'no job id'} ${a.conversationId}`;
        keys.set(a.seq, key);
      }
      return key;
    };
    const trackMessages = new Set(posts.map((p) => p.activity.id));
    const isFinal = (a: RecordedActivity): boolean => mentions(a) && !(a.replyToId !== undefined && trackMessages.has(a.replyToId));
    const finals = (): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const a of connector.activities) if (isFinal(a)) counts.set(pairOf(a), (counts.get(pairOf(a)) ?? 0) + 1);
      return counts;
    };
    const announced = (batch: readonly string[]): boolean => {
      const now = finals();
      return [...pairs].every((p) => !batch.includes(p.split(' ')[0]) || now.has(p));
    };

    // 40 % of the jobs end and are announced; then the kill; then the rest.
    const firstBatch = specs.slice(0, Math.floor(0.4 * specs.length)).map((j) => j.jobId);
    const secondBatch = specs.slice(firstBatch.length).map((j) => j.jobId);
    for (const id of firstBatch) sim.release(id);
    await until(`${name}: the first batch announced`, () => announced(firstBatch));
    let killed: Outcome['kill'];
    let before = 0;
    let attempts = 0;
    if (killOne) {
      const redis = new Redis(stateStore);
      attempts = await killOutsideWindow(bots[1], redis).finally(() => redis.quit());
      expect(await bots[1].exited).toEqual({ code: null, signal: 'SIGKILL' });
      before = connector.activities.length;
    }
    for (const id of secondBatch) sim.release(id);
    await until(`${name}: every job announced`, () => announced(secondBatch));

    // Drained: nothing tracked, nothing left to send. Then no instance can produce a duplicate.
    const store = new RedisStore({ url: stateStore });
    await store.init();
    let left: Outcome['left'];
    try {
      await until(`${name}: the store drained`, async () => {
        left = await store.stats();
        return left.activeJobs === 0 && left.subscriptions === 0 && left.pendingMessages === 0;
      });
    } finally {
      await store.close();
    }
    // Graceful stop of the survivors (SIGTERM as App Service sends): they must exit cleanly.
    const live = bots.filter((b) => b.running);
    for (const b of live) b.signal('SIGTERM');
    expect(await Promise.all(live.map((b) => b.exited))).toEqual(live.map(() => ({ code: 0, signal: null })));

    if (killOne) {
      const after = connector.activities.slice(before).filter(isFinal);
      killed = { attempts, finalsAfter: after.length, victimPairsAfter: after.filter((a) => viaVictim.has(pairOf(a))).length };
    }
    const counts = sim.counts();
    return {
      name,
      pairs,
      finals: finals(),
      reads: (counts['getJob'] ?? 0) + (counts['listJobs'] ?? 0) + (counts['operationStatus'] ?? 0),
      readsBy: `${counts['getJob'] ?? 0} GET + ${counts['listJobs'] ?? 0} list`,
      ...checkReads(reads, [...jobIds]),
      seconds: (Date.now() - started) / 1000,
      botErrors: bots.flatMap((b) => b.errors),
      ...(killed ? { kill: killed } : {}),
      ...(left ? { left } : {}),
    };
  } finally {
    for (const b of bots) b.signal('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await connector.close();
    await sim.stop();
  }
}

describeWithRedis('scale-out: three bot processes on one Redis', () => {
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await oneShot.close();
    await redis?.stop();
  });

  it('one killed -9 midway: each completion announced once per conversation; three bots read no job more often than one', async () => {
    const [single, multi] = await Promise.all([
      runScenario('single', 1, `${redis!.url}/2`, false),
      runScenario('multi', 3, `${redis!.url}/1`, true),
    ]);

    // The totals depend on how long each run took; the figures, for the record only.
    console.info(
      `scale-out: ${multi.pairs.size} subscriptions; ARM reads one bot ${single.reads} (${single.readsBy}), three bots (one killed) ${multi.reads} (${multi.readsBy}), ratio ${(multi.reads / single.reads).toFixed(3)}; ` +
        `kill after ${multi.kill?.attempts} freeze(s), ${multi.kill?.finalsAfter} notices after it (${multi.kill?.victimPairsAfter} for chats the victim had answered); ` +
        `${single.seconds.toFixed(1)} s / ${multi.seconds.toFixed(1)} s; error logs: ${single.botErrors.length + multi.botErrors.length}`,
    );
    for (const run of [single, multi]) {
      // Held until released, every job was still running when tracked.
      expect(run.pairs.size).toBe(JOBS + JOBS / 4);
      const missing = [...run.pairs].filter((p) => !run.finals.has(p));
      const duplicated = [...run.finals].filter(([, n]) => n > 1);
      const unexpected = [...run.finals.keys()].filter((p) => !run.pairs.has(p));
      expect({ run: run.name, missing, duplicated, unexpected }).toEqual({ run: run.name, missing: [], duplicated: [], unexpected: [] });
      // The reads: no job's end read twice, no cohort swept twice within half an interval.
      expect({ run: run.name, endReadsNotOnce: run.endReadsNotOnce, earlySweeps: run.earlySweeps }).toEqual({
        run: run.name,
        endReadsNotOnce: [],
        earlySweeps: [],
      });
      expect(run.left).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
    }
    // The survivors finished the work, including what was tracked through the killed bot.
    expect(multi.kill!.victimPairsAfter).toBeGreaterThan(0);
  }, 240_000);
});
