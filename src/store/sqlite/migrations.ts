/**
 * Versioned schema of the SQLite store. The database's `PRAGMA user_version` is the number of
 * migrations applied; each migration runs once, in order, in its own transaction together with
 * the version bump, so a crash mid-migration leaves the previous version intact.
 * Append new migrations; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../../core/logger';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'tracked jobs and their subscriptions',
    sql: `
      CREATE TABLE jobs (
        job_key         TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        resource_group  TEXT NOT NULL,
        vault_name      TEXT NOT NULL,
        job_id          TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('active', 'ended')),
        end_reason      TEXT,
        last_job        TEXT,             -- JSON BackupJob
        next_poll_at    INTEGER NOT NULL,
        schedule        TEXT NOT NULL,    -- JSON, tracker-private
        lease_owner     TEXT,
        lease_until     INTEGER
      );
      -- Serves claimDueJobs (range on next_poll_at, in order, no sort) and nextDueAt.
      CREATE INDEX jobs_due ON jobs (state, next_poll_at);

      CREATE TABLE subscriptions (
        job_key          TEXT NOT NULL,
        conversation_id  TEXT NOT NULL,
        conversation_ref TEXT NOT NULL,   -- JSON ConversationReference, verbatim
        requester_id     TEXT NOT NULL,
        requester_name   TEXT NOT NULL,
        locale           TEXT,
        time_zone        TEXT,
        created_at       INTEGER NOT NULL,
        card_activity_id TEXT,
        card_digest      TEXT,
        PRIMARY KEY (job_key, conversation_id)
      ) WITHOUT ROWID;
      CREATE INDEX subscriptions_by_conversation ON subscriptions (conversation_id, job_key);
    `,
  },
  {
    version: 2,
    description: 'transactional outbox of messages to deliver',
    sql: `
      CREATE TABLE outbox (
        -- AUTOINCREMENT: ids are never reused, so a late completeMessage(id) from a dead lease
        -- can never hit a newer message that took a deleted row's id.
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        job_key         TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        kind            TEXT NOT NULL,
        payload         TEXT NOT NULL,    -- JSON message without its subscriber
        state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        not_before      INTEGER NOT NULL DEFAULT 0,
        lease_owner     TEXT,
        lease_until     INTEGER,
        last_error      TEXT
      );
      CREATE INDEX outbox_due ON outbox (state, not_before);
      -- Per (job, conversation) queue: head-of-line checks, coalescing, removal on unsubscribe.
      CREATE INDEX outbox_queue ON outbox (job_key, conversation_id, state, id);
    `,
  },
  {
    version: 3,
    description: "team of each subscription, to drop a team's channels together",
    // Rows written before this have no team: they are left to the 403/404 of a later send, as before.
    // The index holds only subscriptions in a team (chats have none), and serves dropTeam.
    sql: `
      ALTER TABLE subscriptions ADD COLUMN team_id TEXT;
      CREATE INDEX subscriptions_by_team ON subscriptions (team_id) WHERE team_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    description: 'watched vaults, their sweeps and what each conversation was told',
    sql: `
      CREATE TABLE watches (
        conversation_id  TEXT NOT NULL,
        vault_key        TEXT NOT NULL,   -- lower-case subscriptionId/resourceGroup/vaultName
        subscription_id  TEXT NOT NULL,
        resource_group   TEXT NOT NULL,
        vault_name       TEXT NOT NULL,
        mode             TEXT NOT NULL CHECK (mode IN ('failures', 'all')),
        conversation_ref TEXT NOT NULL,
        setter_id        TEXT NOT NULL,
        setter_name      TEXT NOT NULL,
        locale           TEXT,
        time_zone        TEXT,
        team_id          TEXT,
        created_at       INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, vault_key)
      ) WITHOUT ROWID;
      CREATE INDEX watches_by_vault ON watches (vault_key, conversation_id);
      CREATE INDEX watches_by_team ON watches (team_id) WHERE team_id IS NOT NULL;

      CREATE TABLE watch_sweeps (
        vault_key   TEXT PRIMARY KEY,
        state       TEXT NOT NULL,        -- JSON, the watcher's
        lease_owner TEXT,
        lease_until INTEGER
      ) WITHOUT ROWID;

      -- One row per (conversation, job, event) announced: the exactly-once record. The 'started'
      -- row keeps the card's activity id, so the end replaces that card in place.
      CREATE TABLE watch_announced (
        conversation_id TEXT NOT NULL,
        job_id          TEXT NOT NULL,
        event           TEXT NOT NULL CHECK (event IN ('started', 'ended')),
        at              INTEGER NOT NULL,
        activity_id     TEXT,
        PRIMARY KEY (conversation_id, job_id, event)
      ) WITHOUT ROWID;
      CREATE INDEX watch_announced_at ON watch_announced (at);
    `,
  },
  {
    version: 5,
    description: 'daily digests',
    sql: `
      CREATE TABLE digests (
        conversation_id TEXT PRIMARY KEY,
        input           TEXT NOT NULL,    -- JSON DigestInput
        team_id         TEXT,
        created_at      INTEGER NOT NULL,
        next_at         INTEGER NOT NULL,
        last_day        TEXT,             -- local day (YYYY-MM-DD) of the last digest enqueued
        lease_owner     TEXT,
        lease_until     INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX digests_due ON digests (next_at);
      CREATE INDEX digests_by_team ON digests (team_id) WHERE team_id IS NOT NULL;
    `,
  },
  {
    version: 6,
    description: "each conversation's own settings (its language)",
    // Keyed by the channel's root id, so every thread of a channel shares its setting.
    sql: `
      CREATE TABLE conversation_settings (
        conversation_id TEXT PRIMARY KEY,
        language        TEXT NOT NULL,
        team_id         TEXT
      ) WITHOUT ROWID;
      CREATE INDEX conversation_settings_by_team ON conversation_settings (team_id) WHERE team_id IS NOT NULL;
    `,
  },
  {
    version: 7,
    description: 'spent action tickets and the last action on each card',
    // Shared by every process on the file: a press replayed after a restart finds its nonce spent.
    sql: `
      CREATE TABLE spent_tickets (
        nonce      TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX spent_tickets_expiry ON spent_tickets (expires_at);

      CREATE TABLE action_notes (
        conversation_id TEXT NOT NULL,
        job_key         TEXT NOT NULL,
        root            TEXT NOT NULL,    -- the channel of a thread, for the per-channel bound
        kind            TEXT NOT NULL CHECK (kind IN ('cancelled', 'backupStarted')),
        name            TEXT NOT NULL,
        at              INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, job_key)
      ) WITHOUT ROWID;
      CREATE INDEX action_notes_by_root ON action_notes (root, at);
      CREATE INDEX action_notes_at ON action_notes (at);
    `,
  },
  {
    version: 8,
    description: 'durations of past runs per item, for the expected end',
    // Bounded by the code that writes them (DURATION_LIMITS): samples per item, items per vault.
    sql: `
      CREATE TABLE duration_samples (
        item_key  TEXT NOT NULL,
        job_id    TEXT NOT NULL,
        vault_key TEXT NOT NULL,
        ended_at  INTEGER NOT NULL,
        sample    TEXT NOT NULL,          -- JSON DurationSample
        PRIMARY KEY (item_key, job_id)
      ) WITHOUT ROWID;
      CREATE INDEX duration_samples_by_age ON duration_samples (item_key, ended_at, job_id);

      CREATE TABLE duration_items (
        vault_key TEXT NOT NULL,
        item_key  TEXT NOT NULL,
        last_at   INTEGER NOT NULL,
        PRIMARY KEY (vault_key, item_key)
      ) WITHOUT ROWID;
      CREATE INDEX duration_items_by_age ON duration_items (vault_key, last_at, item_key);

      -- When each vault's ended jobs were last read for history (at most one read per period).
      CREATE TABLE history_reads (
        vault_key TEXT PRIMARY KEY,
        at        INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema to `target` (default: latest). Refuses a database written by a newer build,
 * whose schema this code cannot know.
 */
export function migrate(db: Database.Database, logger: Logger, target = LATEST_VERSION): void {
  const step = db.transaction((m: Migration) => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    if (schemaVersion(db) >= m.version) return false;
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
    return true;
  });
  const found = schemaVersion(db);
  if (found > LATEST_VERSION) {
    throw new Error(`state database has schema version ${found}, newer than this build knows (${LATEST_VERSION}); refusing to open it`);
  }
  for (const m of MIGRATIONS) {
    if (m.version > target || m.version <= found) continue;
    if (step.immediate(m)) logger.info({ version: m.version, migration: m.description }, 'state store schema migrated');
  }
}
