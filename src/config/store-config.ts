/** The STATE_STORE key: where state lives, in any form the store itself accepts. */
import { z } from 'zod';
import { parseStoreUrl } from '../store/open-store';

/**
 * The store decides what a STATE_STORE value may be (parseStoreUrl, used by openStore); config
 * asks it, both for the check and for the forms named in the error, so the two never disagree.
 */
function storeForms(): string {
  try {
    parseStoreUrl('');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return /accepted forms: (.+)$/s.exec(message)?.[1] ?? message;
  }
  return 'a store location accepted by openStore';
}

function isStoreUrl(value: string): boolean {
  try {
    parseStoreUrl(value);
    return true;
  } catch {
    return false;
  }
}

/** The environment key of the store (config.ts FIELDS): schema and the expected form named in errors. */
export const STORE_FIELDS = {
  STATE_STORE: [z.string().refine(isStoreUrl).default('sqlite:./data/state.db'), storeForms()],
} as const;
