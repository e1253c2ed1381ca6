/** The living vaults, as `npm run simulator` prints them: items, the last 24 hours, what runs, what comes. */
import type { LifeItem } from './life';
import { vaultTruth } from './life-truth';
import type { SimJobSpec } from './spec';

const DAY = 24 * 60 * 60_000;

export function describeLife(life: { items: readonly LifeItem[]; jobs: readonly SimJobSpec[] }, now: number): string[] {
  const vaults: string[] = [];
  for (const i of life.items) {
    const v = `${i.vault.resourceGroup}/${i.vault.vaultName}`;
    if (!vaults.includes(v)) vaults.push(v);
  }
  const lines = ['Living vaults (history of 48 h, nightly and hourly backups, ad-hoc restores, on the scaled clock):'];
  for (const v of vaults) {
    const items = life.items.filter((i) => `${i.vault.resourceGroup}/${i.vault.vaultName}` === v);
    const types = [...new Set(items.map((i) => i.jobType))].join(', ');
    const t = vaultTruth(life.jobs, v, now - DAY, now, now);
    const counts = Object.entries(t.byStatus)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
    lines.push(`  ${v}: ${items.length} protected items (${types})`);
    lines.push(`    last 24 h: ${counts || 'nothing'}; running now ${t.running}; scheduled ahead ${t.upcoming}`);
    const next = life.jobs.find((j) => j.startAt > now && `${j.vault.resourceGroup}/${j.vault.vaultName}` === v);
    if (next) lines.push(`    next: ${next.operation} of ${next.entityFriendlyName} at ${new Date(next.startAt).toISOString()}`);
  }
  lines.push('');
  return lines;
}
