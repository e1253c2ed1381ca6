/**
 * Why a job, vault or operation reference was refused, in the user's language: the parser names
 * the broken rule by code, and the catalog says it (a code without a message fails to compile).
 */
import { IdError, parseJobRef, parseOperationRef, parseVaultRef } from '../../../src/azure/ids';
import { idReason } from '../../../src/commands/resolve';

function refusal(parse: () => unknown): IdError {
  try {
    parse();
  } catch (error) {
    if (error instanceof IdError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('reasons for a refused reference', () => {
  const vault = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/vault1';
  const traversal = refusal(() => parseJobRef(`${vault}/backupJobs/../x`));
  const notGuid = refusal(() => parseJobRef(`${vault}/backupJobs/nope`));
  const badVault = refusal(() => parseVaultRef('rg/1vault'));
  const operation = refusal(() => parseOperationRef(`https://management.azure.com${vault}/nothing/x`));

  test.each([
    ['en', traversal, 'the reference contains a path traversal segment (. or ..)'],
    ['cs-CZ', traversal, 'odkaz obsahuje segment cesty . nebo ..'],
    ['en', notGuid, 'the job id must be a GUID (8-4-4-4-12 hexadecimal digits)'],
    ['de', notGuid, 'die Auftrags-ID muss eine GUID sein (8-4-4-4-12 Hexadezimalziffern)'],
    ['zh-CN', notGuid, '作业 ID必须是 GUID（8-4-4-4-12 位十六进制数字）'],
    ['pt-BR', badVault, 'o nome do cofre deve ter de 2 a 50 letras, dígitos ou hifens e começar com uma letra'],
    ['nl-NL', badVault, 'de kluisnaam moet 2–50 letters, cijfers of afbreekstreepjes bevatten en met een letter beginnen'],
    [
      'es-ES',
      operation,
      'la URL no es el estado ni el resultado de una operación (…/operationsStatus/<id.>, …/backupOperations/<id.>, …/operationResults/<id.>)',
    ],
  ])('%s: %#', (locale, error, text) => {
    // The reason is shown inside a reply: Markdown-significant characters come back escaped.
    expect(idReason(error, locale).replace(/\\(.)/g, '$1')).toBe(text);
  });

  test('the English reason stays for logs', () => {
    expect(traversal.reason).toBe('The reference contains a path traversal segment (. or ..)');
    expect(traversal.code).toBe('pathTraversal');
    expect(notGuid.params).toEqual({ what: 'job' });
  });
});
