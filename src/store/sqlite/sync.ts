/**
 * The SQLite store's parts (subscriptions, jobs, outbox) work synchronously, as better-sqlite3
 * does; SqliteStore wraps each call in a promise, so a closed store rejects instead of throwing.
 */
import type Database from 'better-sqlite3';
import type { Statements } from './statements';

/** An interface of promise-returning methods, with the same methods returning their values directly. */
export type Sync<T> = { readonly [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never };

/** One open connection and its statements, which every part shares. */
export interface Connection {
  readonly db: Database.Database;
  readonly st: Statements;
}

/**
 * A transaction function built on its first call: building one costs more than most calls, and a
 * test opens thousands of in-memory stores that each run few transactions.
 */
export function onFirstCall<A extends unknown[], R>(build: () => (...args: A) => R): (...args: A) => R {
  let fn: ((...args: A) => R) | undefined;
  return (...args) => (fn ??= build())(...args);
}
