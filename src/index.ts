/**
 * Composition root: read the configuration, start the bot, stop it cleanly on SIGTERM/SIGINT.
 */
import fs from 'node:fs';
import { startApp } from './app';
import { ConfigError, readConfig } from './config/config';
import { secretValues } from './config/secrets';
import { createLogger } from './core/logger';
import { scrubString } from './core/redact';

async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The logger needs the configuration; a bad one is reported plainly and stops the process.
    process.stderr.write(`Configuration error: ${err.message}\nSee .env.sample for every setting.\n`);
    process.exit(78);
  }
  const logger = createLogger(config.logLevel, undefined, { secrets: secretValues(config) });
  let app;
  try {
    app = await startApp(config, { logger });
  } catch (err) {
    // Through the logger, not err.stack on stderr: a start-up error (Redis AUTH, a token request) may carry credentials.
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
    // close() keeps to the bound itself; this is the backstop should anything still hold the process.
    setTimeout(() => {
      logger.error({ stopTimeoutMs: config.stopTimeoutMs }, 'stop did not finish within the stop bound; exiting');
      process.exit(1);
    }, config.stopTimeoutMs + 2_000).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Failed to start: ${scrubString(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
