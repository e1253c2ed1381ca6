/** A missing or invalid setting; `key` names it and the message says what form it must take. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    received?: string,
  ) {
    super(`${key}: expected ${expected}${received === undefined ? '' : `, got ${JSON.stringify(truncate(received))}`}`);
    this.name = 'ConfigError';
  }

  /** An error whose whole text is given (the access policy names the rule, not just the key). */
  static withMessage(key: string, message: string): ConfigError {
    const err = new ConfigError(key, message);
    err.message = message;
    return err;
  }
}

/** A received value as an error shows it: long ones cut. */
function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
