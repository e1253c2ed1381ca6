/** ActionStateStore on SQLite: spent ticket nonces and the last action on each card, in every process on the file. */
import { conversationRoot } from '../../domain/subscriber';
import { MAX_NOTES_PER_ROOT, NOTE_TTL_MS, type ActionStateStore, type StoredActionNote } from '../action-state';
import { threadRange } from '../records';
import { onFirstCall, type Connection, type Sync } from './sync';

interface NoteRow {
  readonly kind: StoredActionNote['kind'];
  readonly name: string;
  readonly at: number;
}

export interface SqliteActionState extends Sync<ActionStateStore> {
  /** Inside dropConversation: forgets the notes of this conversation and of its threads. */
  forgetConversation(conversationId: string): void;
}

export function sqliteActionState({ db }: Connection): SqliteActionState {
  const spend = onFirstCall(() => {
    const prune = db.prepare<[number]>('DELETE FROM spent_tickets WHERE expires_at <= ?');
    // The primary key makes the insert the atomic first-wins test, across processes too.
    const insert = db.prepare<[string, number]>('INSERT INTO spent_tickets (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
    return db.transaction((nonce: string, expiresAt: number, now: number) => {
      prune.run(now);
      return insert.run(nonce, expiresAt).changes === 1;
    });
  });
  const record = onFirstCall(() => {
    const upsert = db.prepare<{ id: string; jobKey: string; root: string; kind: string; name: string; at: number }>(
      `INSERT INTO action_notes (conversation_id, job_key, root, kind, name, at) VALUES (@id, @jobKey, @root, @kind, @name, @at)
       ON CONFLICT (conversation_id, job_key) DO UPDATE SET kind = excluded.kind, name = excluded.name, at = excluded.at`,
    );
    const aged = db.prepare<[number]>('DELETE FROM action_notes WHERE at < ?');
    // The bound is a literal: a bound LIMIT parameter makes SQLite plan the statement on every call.
    const beyondBound = db.prepare<[string, string]>(
      `DELETE FROM action_notes WHERE root = ? AND (conversation_id, job_key) NOT IN
         (SELECT conversation_id, job_key FROM action_notes WHERE root = ? ORDER BY at DESC, conversation_id, job_key LIMIT ${MAX_NOTES_PER_ROOT})`,
    );
    return db.transaction((id: string, jobKey: string, note: StoredActionNote) => {
      const root = conversationRoot(id);
      upsert.run({ id, jobKey, root, kind: note.kind, name: note.name, at: note.at });
      aged.run(note.at - NOTE_TTL_MS);
      beyondBound.run(root, root);
    });
  });
  const get = onFirstCall(() => {
    const st = db.prepare<[string, string], NoteRow>('SELECT kind, name, at FROM action_notes WHERE conversation_id = ? AND job_key = ?');
    return (id: string, jobKey: string) => st.get(id, jobKey);
  });
  const remove = onFirstCall(() => {
    const st = db.prepare<[string, string, string]>(
      'DELETE FROM action_notes WHERE conversation_id = ? OR (conversation_id >= ? AND conversation_id < ?)',
    );
    return (id: string) => {
      const { from, to } = threadRange(id);
      st.run(id, from, to);
    };
  });
  return {
    spendTicket: (nonce, expiresAt, now) => spend(nonce, expiresAt, now),
    recordActionNote: (id, jobKey, note) => {
      record(id, jobKey, note);
    },
    actionNote: (id, jobKey, now) => {
      const row = get(id, jobKey);
      return row === undefined || row.at < now - NOTE_TTL_MS ? undefined : { kind: row.kind, name: row.name, at: row.at };
    },
    forgetConversation: (id) => remove(id),
  };
}
