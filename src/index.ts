/**
 * Composition root: read the configuration, start the bot, stop it cleanly on SIGTERM/SIGINT.
 */
import fs from 'node:fs';
import { startApp } from './app';
import { ConfigError, readConfig } from './config/config';
import { createLogger } from './core/logger';

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
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { logger });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutdown requested');
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
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
