import { ConfigError, readConfig } from '../../src/config/config';

/** The ConfigError readConfig throws for `env`; fails the test when it accepts the environment. */
export function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('readConfig accepted the environment');
}
