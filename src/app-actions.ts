/**
 * Composition of the actions (ACTIONS=sso): the user's ARM clients built per press from the Teams
 * SSO token (On-Behalf-Of), protected items read on the bot's identity within the read budget,
 * the write budget, and the ticket key. Beside app.ts, which stays the one composition root.
 */
import type { TokenCredential } from '@azure/identity';
import type { Dispatcher } from 'undici';
import { ArmClient } from './azure/arm-client';
import { ArmItemsClient } from './azure/arm-items';
import { ArmError } from './azure/errors';
import { oboCredential } from './azure/user-credential';
import { JobActions } from './commands/job-actions';
import type { ActionsConfig, Config } from './config/config';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { ActionStateStore } from './store/action-state';
import type { ReadBudget } from './tracker/budget';
import { WriteBudget } from './tracker/write-budget';

/** The tracker's read budget, known only once the tracker exists (after the notifier that needs the actions). */
export class ReadBudgetRef {
  private budget?: ReadBudget;
  set(budget: ReadBudget): void {
    this.budget = budget;
  }
  get(): ReadBudget | undefined {
    return this.budget;
  }
}

export interface JobActionsParts {
  readonly config: Config;
  readonly sso: Extract<ActionsConfig, { mode: 'sso' }>['sso'];
  readonly dispatcher: Dispatcher;
  readonly botCredential: TokenCredential | 'none';
  readonly readBudget: ReadBudgetRef;
  readonly state: ActionStateStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxAttempts?: number;
}

export function buildJobActions(p: JobActionsParts): JobActions {
  const { config, clock, logger } = p;
  const common = {
    apiVersion: config.azure.apiVersion,
    dispatcher: p.dispatcher,
    clock,
    logger,
    ...(p.maxAttempts === undefined ? {} : { maxAttempts: p.maxAttempts }),
  };
  const botItems = new ArmItemsClient({ ...common, origin: new URL(config.azure.armEndpoint).origin, credential: p.botCredential });
  return new JobActions({
    mode: 'sso',
    ticketSecret: p.sso.clientSecret,
    writeBudget: new WriteBudget(),
    state: p.state,
    userArm(ssoToken) {
      // One exchange per press: the sign-in check and the write share the token (one ARM scope).
      const obo = oboCredential(p.sso, ssoToken);
      let token: ReturnType<TokenCredential['getToken']> | undefined;
      const credential: TokenCredential = { getToken: (scopes, options) => (token ??= obo.getToken(scopes, options)) };
      const arm = new ArmClient({ ...common, endpoint: config.azure.armEndpoint, credential });
      const items = new ArmItemsClient({ ...common, origin: arm.origin, credential });
      return {
        signIn: async () => {
          await credential.getToken(`${arm.origin}/.default`);
        },
        cancelJob: (key) => arm.cancelJob(key),
        triggerBackup: (item) => items.triggerBackup(item),
      };
    },
    async listItems(vault, backupManagementType) {
      const budget = p.readBudget.get();
      const now = clock.now();
      if (budget && !budget.tryTake(vault.subscriptionId, now)) {
        const retryAfterMs = budget.nextAvailableAt(vault.subscriptionId, now) - now;
        throw new ArmError('throttled', `The read budget for vault ${vault.vaultName} is spent for now.`, { retryAfterMs });
      }
      return botItems.listProtectedItems(vault, backupManagementType);
    },
    clock,
    logger,
  });
}
