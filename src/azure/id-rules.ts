/**
 * ARM naming rules and the error every identifier parser throws. Kept apart from ids.ts so that
 * urls.ts can re-check values it receives without importing the parsers.
 */

/** Longest input we even look at; real portal links are well under this. */
export const MAX_INPUT_LENGTH = 2048;

/** The one GUID rule (8-4-4-4-12 hexadecimal digits, either case) for every layer, config and tools included. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Vault names: 2–50 ASCII letters, digits and hyphens, starting with a letter. */
const VAULT_RE = /^[A-Z][A-Z0-9-]{1,49}$/i;
/** Resource groups: 1–90 ASCII letters, digits, `_ - . ( )`, not ending in `.`. */
const RG_RE = /^[\w\-.()]{0,89}[\w\-()]$/;
/**
 * Fabric, container and protected item names inside operation URLs, e.g.
 * `IaasVMContainer;iaasvmcontainerv2;rg;vm`. Azure returns them verbatim in headers.
 */
const ITEM_RE = /^[\w\-.;()]{1,260}$/;

export const JOB_FORMS: readonly string[] = [
  'a job GUID (e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301)',
  'a job resource id /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}/backupJobs/{jobId}',
  'an Azure portal link that contains such an id',
];
export const VAULT_FORMS: readonly string[] = [
  'a vault name (2–50 letters, digits or hyphens, starting with a letter)',
  'resourceGroup/vaultName',
  'a vault resource id /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}',
];
export const VAULT_ID_FORMS: readonly string[] = [VAULT_FORMS[2]];
export const OPERATION_FORMS: readonly string[] = [
  'an operation GUID',
  'an Azure-AsyncOperation or Location URL ending in /operationsStatus/{id}, /backupOperations/{id} or /operationResults/{id}',
];
export const FILTER_FORMS: readonly string[] = [
  'status, operation and backupManagementType from the Azure Backup enums; startTime and endTime as ISO 8601 UTC, both or neither',
];

/** Rejected identifier: says what was wrong and which forms are accepted. Never echoes the input. */
/**
 * Which rule a reference broke, for the answer in the user's language (the catalog's
 * `idError.<code>`); `reason` is the same in English, for logs.
 */
export type IdErrorCode =
  | 'pathTraversal'
  | 'emptySegment'
  | 'noResourceIdInLink'
  | 'percentEncoded'
  | 'queryOrFragment'
  | 'unrecognisedForm'
  | 'noSubscription'
  | 'noResourceGroup'
  | 'notAVault'
  | 'notAJob'
  | 'extraAfterJob'
  | 'extraAfterVault'
  | 'vaultLinkNotAccepted'
  | 'notAnOperationUrl'
  | 'notAGuid'
  | 'vaultName'
  | 'resourceGroup'
  | 'empty'
  | 'tooLong'
  | 'spacesOrControl'
  | 'nonAscii'
  | 'operationOtherVault'
  | 'operationPathUnknown'
  | 'itemName'
  /** A job filter the bot itself built: never a user's input. */
  | 'jobFilter';

/** What a GUID check was about (the `what` of `notAGuid`). */
export type GuidSubject = 'subscription' | 'job' | 'operation';

export class IdError extends Error {
  override readonly name = 'IdError';
  constructor(
    readonly reason: string,
    readonly accepted: readonly string[],
    readonly code: IdErrorCode,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(`${reason}. Accepted: ${accepted.join('; ')}.`);
  }
}

// A string that is not a GUID is still a string: the plain boolean overload keeps `!isGuid(text)`
// from narrowing `text` to never; unknown input is narrowed to string.
export function isGuid(s: string): boolean;
export function isGuid(s: unknown): s is string;
export function isGuid(s: unknown): s is string {
  return typeof s === 'string' && GUID_PATTERN.test(s);
}
export function isVaultName(s: unknown): s is string {
  return typeof s === 'string' && VAULT_RE.test(s);
}
export function isResourceGroup(s: unknown): s is string {
  return typeof s === 'string' && RG_RE.test(s);
}
export function isItemName(s: unknown): s is string {
  return typeof s === 'string' && ITEM_RE.test(s) && s !== '.' && s !== '..';
}

/** Names the first rule a segment breaks, for messages that help the user fix it. */
export function checkGuid(s: string, what: GuidSubject, forms: readonly string[]): string {
  if (!isGuid(s)) throw new IdError(`The ${what} id must be a GUID (8-4-4-4-12 hexadecimal digits)`, forms, 'notAGuid', { what });
  return s.toLowerCase();
}
export function checkVaultName(s: string, forms: readonly string[]): string {
  if (!isVaultName(s)) {
    throw new IdError('The vault name must be 2–50 letters, digits or hyphens and start with a letter', forms, 'vaultName');
  }
  return s;
}
export function checkResourceGroup(s: string, forms: readonly string[]): string {
  if (!isResourceGroup(s)) {
    throw new IdError(
      'The resource group must be 1–90 letters, digits, underscores, hyphens, periods or parentheses and must not end with a period',
      forms,
      'resourceGroup',
    );
  }
  return s;
}

/**
 * Rejects what must never reach a URL whatever the form: overlong input, anything outside printable
 * ASCII (control characters, spaces, look-alike and zero-width Unicode).
 */
export function checkRaw(input: unknown, forms: readonly string[]): string {
  if (typeof input !== 'string' || input.length === 0) throw new IdError('The reference is empty', forms, 'empty');
  if (input.length > MAX_INPUT_LENGTH)
    throw new IdError(`The reference is longer than ${MAX_INPUT_LENGTH} characters`, forms, 'tooLong', { max: MAX_INPUT_LENGTH });
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) {
      const control = c < 0x21 || c === 0x7f;
      throw new IdError(
        control
          ? 'The reference contains spaces or control characters'
          : 'The reference contains non-ASCII characters (look-alike letters or invisible characters are not accepted)',
        forms,
        control ? 'spacesOrControl' : 'nonAscii',
      );
    }
  }
  return input;
}
