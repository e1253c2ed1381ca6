/**
 * botframework-connector's token validation writes to console before it throws (an expired token:
 * the whole error; a bad signature: "Error finding key for token" with the key), once per request a
 * caller can forge. Inside `withoutSdkConsole` those writes are dropped: the error the SDK then
 * throws is what we log, through the logger and bounded. Scoped with AsyncLocalStorage, so a
 * console write anywhere else (another request, another module) passes through unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const METHODS = ['error', 'warn', 'log', 'info', 'debug'] as const;
const scope = new AsyncLocalStorage<true>();
let installed = false;

/* eslint-disable no-console -- this module exists to keep the SDK's console writes out; it never writes any itself */
function install(): void {
  if (installed) return;
  installed = true;
  for (const name of METHODS) {
    const original = console[name].bind(console);
    console[name] = (...args: unknown[]): void => {
      if (scope.getStore() !== true) original(...args);
    };
  }
}
/* eslint-enable no-console */

/** Runs `fn` with console output of everything it calls (synchronously or awaited) dropped. */
export function withoutSdkConsole<T>(fn: () => Promise<T>): Promise<T> {
  install();
  return scope.run(true, fn);
}
