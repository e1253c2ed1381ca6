import type { VaultId } from '../../src/domain/job';

/** What a request asks for, resolved from an ARM path compared case-insensitively. */
export type Route =
  | { kind: 'listJobs'; vault: VaultId }
  | { kind: 'getJob'; vault: VaultId; jobId: string }
  | { kind: 'cancel'; vault: VaultId; jobId: string }
  | { kind: 'jobOperationResult'; vault: VaultId; jobId: string; operationId: string }
  | { kind: 'operationStatus'; vault: VaultId; operationId: string }
  | { kind: 'operationResult'; vault: VaultId; operationId: string }
  | { kind: 'listItems'; vault: VaultId }
  | { kind: 'getItem'; vault: VaultId; containerName: string; itemName: string }
  | { kind: 'trigger'; vault: VaultId; containerName: string; itemName: string }
  | { kind: 'unknown' }
  | { kind: 'badPath' };

/** Splits and decodes a path, then matches it against the routes the simulated vault serves. */
export function parseRoute(method: string, path: string): Route {
  const raw = path.split('/');
  if (raw[0] !== '') return { kind: 'badPath' };
  const seg: string[] = [];
  for (const s of raw.slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return { kind: 'badPath' };
    }
    // An encoded slash or a control character would let one segment pose as two (or as another vault).
    if (decoded.includes('/') || decoded.includes('\\') || hasControl(decoded)) return { kind: 'badPath' };
    seg.push(decoded);
  }
  if (seg.length > 0 && seg[seg.length - 1] === '') seg.pop();
  const low = seg.map((s) => s.toLowerCase());
  if (
    seg.length < 8 ||
    low[0] !== 'subscriptions' ||
    low[2] !== 'resourcegroups' ||
    low[4] !== 'providers' ||
    low[5] !== 'microsoft.recoveryservices' ||
    low[6] !== 'vaults'
  ) {
    return { kind: 'unknown' };
  }
  const vault: VaultId = { subscriptionId: low[1], resourceGroup: seg[3], vaultName: seg[7] };
  const rest = low.slice(8);
  const get = method === 'GET';
  const post = method === 'POST';
  const n = rest.length;
  if (rest[0] === 'backupjobs') {
    if (n === 1 && get) return { kind: 'listJobs', vault };
    if (n === 2 && get) return { kind: 'getJob', vault, jobId: rest[1] };
    if (n === 3 && post && rest[2] === 'cancel') return { kind: 'cancel', vault, jobId: rest[1] };
    if (n === 4 && get && rest[2] === 'operationresults') {
      return { kind: 'jobOperationResult', vault, jobId: rest[1], operationId: rest[3] };
    }
  }
  if (n === 2 && get && rest[0] === 'backupoperations') return { kind: 'operationStatus', vault, operationId: rest[1] };
  if (n === 2 && get && (rest[0] === 'backupoperationresults' || rest[0] === 'operationresults')) {
    return { kind: 'operationResult', vault, operationId: rest[1] };
  }
  // Vault-depth operationsStatus: header URLs of some vault operations take this form.
  if (n === 2 && get && rest[0] === 'operationsstatus') return { kind: 'operationStatus', vault, operationId: rest[1] };
  if (n === 1 && get && rest[0] === 'backupprotecteditems') return { kind: 'listItems', vault };
  const item = rest[0] === 'backupfabrics' && rest[2] === 'protectioncontainers' && rest[4] === 'protecteditems';
  if (item && n === 6 && get) return { kind: 'getItem', vault, containerName: seg[8 + 3], itemName: seg[8 + 5] };
  if (item && n === 7 && post && rest[6] === 'backup') return { kind: 'trigger', vault, containerName: seg[8 + 3], itemName: seg[8 + 5] };
  if (n === 8 && get && rest[0] === 'backupfabrics' && rest[2] === 'protectioncontainers' && rest[4] === 'protecteditems') {
    if (rest[6] === 'operationsstatus') return { kind: 'operationStatus', vault, operationId: rest[7] };
    if (rest[6] === 'operationresults') return { kind: 'operationResult', vault, operationId: rest[7] };
  }
  return { kind: 'unknown' };
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
