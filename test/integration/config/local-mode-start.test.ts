/** The real entry point refuses to start in local mode on a non-loopback interface. */
import { runBotToExit } from '../../support/run-to-exit';

const env = {
  AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555',
  BACKUP_VAULTS: 'rg-backup/vault-one',
  ARM_ENDPOINT: 'http://127.0.0.1:9',
  ARM_AUTH: 'none',
  STATE_STORE: 'memory:',
  PORT: '0',
};

describe('src/index.ts without MicrosoftAppId', () => {
  it('exits non-zero with HOST=0.0.0.0, naming HOST and why, before listening', async () => {
    const exit = await runBotToExit({ ...env, HOST: '0.0.0.0' });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toContain('Configuration error: HOST: expected a loopback address');
    expect(exit.stderr).toContain('no inbound request is authenticated');
    expect(exit.stderr).toContain('got "0.0.0.0"');
    expect(exit.stdout).not.toContain('bot ready');
  });
});
