import { isIP } from 'node:net';

/**
 * True when the URL's host is a loopback address (127.0.0.0/8, ::1, localhost): the only ARM
 * endpoints that may be called without a token (the simulator). One definition for config and client.
 */
export function isLoopbackEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(host);
}

/** The same rule for a bare host name or address (HOST, the interface the bot listens on); `[::1]` or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost')) return host === 'localhost';
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
