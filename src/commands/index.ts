export { parseCommand } from './parse';
export { normalizeMessage } from './normalize';
export { parseCardAction } from '../cards/card-actions';
export { runCardAction, runCommand } from './run';
export { jobCard, armFailureText } from './views';
export { vaultLabel } from './resolve';
export type { CardAction, CommandContext, JobsFilter, ParsedCommand, ReplyPort, VaultAllowList } from './types';
