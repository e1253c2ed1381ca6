/**
 * `STATE_STORE=redis://host:port[/db]` or `rediss://[:password]@host:port[/db]` to ioredis options.
 * Parsed here rather than by ioredis so that an invalid value fails at start with a message that
 * names the problem, and so that the password never reaches a log line.
 */
import type { RedisOptions } from 'ioredis';

export interface ParsedRedisUrl {
  readonly options: RedisOptions;
  /** `redis[s]://host:port/db` without credentials, for logs. */
  readonly display: string;
}

export function parseRedisUrl(url: string): ParsedRedisUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('STATE_STORE: not a valid redis:// or rediss:// URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`STATE_STORE: expected redis:// or rediss://, got ${u.protocol}//`);
  if (!u.hostname) throw new Error('STATE_STORE: the Redis URL has no host');
  const tls = u.protocol === 'rediss:';
  const port = u.port === '' ? (tls ? 6380 : 6379) : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText))
    throw new Error(`STATE_STORE: the Redis database must be a number (/0 … /15), got /${dbText}`);
  const db = dbText === '' ? 0 : Number(dbText);
  // URL keeps brackets around IPv6 hosts; ioredis wants the bare address.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // Azure Cache for Redis only accepts TLS on 6380; the certificate is checked against the host name.
    ...(tls ? { tls: { servername: host } } : {}),
  };
  return { options, display: `${u.protocol}//${u.host}/${db}` };
}
