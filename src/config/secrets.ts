/**
 * The secret values a Config holds, for the logger to blank wherever they appear: a second line
 * of defence behind the structural scrubbing (an SDK that copies a password into an error message).
 */
import type { Config } from './config';

export function secretValues(config: Config): string[] {
  const values = [config.bot.appPassword];
  if (config.actions.mode === 'sso') values.push(config.actions.sso.clientSecret);
  if (/^rediss?:\/\//i.test(config.stateStore)) {
    try {
      const url = new URL(config.stateStore);
      for (const part of [url.password, url.username]) if (part) values.push(part, safeDecode(part));
    } catch {
      // readConfig already refused an unparsable STATE_STORE.
    }
  }
  return [...new Set(values.filter((v) => v.length >= 4))];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
