/**
 * One job's card in two languages, side by side, as Microsoft's renderer in the playground's web
 * UI draws it: English, then Czech (the relay stamps the Teams locale cs-CZ on the second
 * message). Saves test/e2e/screenshots/card-en-cs.png (gitignored; docs/card-languages.png in the
 * README is a copy). Needs Debian's chromium at /usr/bin/chromium: skipped locally without it, a
 * failure in CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, type LaunchedBrowser } from './support/browser';
import { startStack, type Stack } from './support/stack';

const SCREENSHOTS = path.join(__dirname, 'screenshots');
const inCi = process.env.CI === 'true';
const runnable = chromiumAvailable();

(runnable || inCi ? describe : describe.skip)('one card in two languages (chromium + playground UI)', () => {
  let stack: Stack;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    if (!runnable) throw new Error(`CI=true but ${CHROMIUM_PATH} is missing: .ci/run must install chromium`);
    stack = await startStack({ localeRelay: true });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('renders the English and the Czech card of one job, and keeps them side by side', async () => {
    const jobId = stack.addJob({
      entity: 'vm-web-01',
      tasks: [
        { name: 'Take Snapshot', durationMs: 20_000 },
        { name: 'Transfer data to vault', durationMs: 600_000 },
      ],
      outcome: 'Completed',
    });
    const page = await browser.context.newPage();
    await page.goto(stack.playground.url);
    const editor = page.locator('[data-lexical-editor="true"][role="textbox"]');
    const shot = async (locale: string | undefined, marker: string): Promise<Buffer> => {
      stack.relay!.locale = locale;
      await editor.click();
      await editor.pressSequentially(`track job ${jobId}`);
      await page.keyboard.press('Enter');
      const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'vm-web-01' }).filter({ hasText: marker }).first();
      await card.waitFor({ state: 'visible', timeout: 20_000 });
      return card.screenshot();
    };
    const english = await shot(undefined, 'In progress');
    const czech = await shot('cs-CZ', 'Probíhá');

    // Both images on one page, screenshotted as one PNG.
    const side = await browser.context.newPage();
    const img = (png: Buffer): string => `<img src="data:image/png;base64,${png.toString('base64')}">`;
    await side.setContent(
      `<body style="margin:0;background:#f5f5f5"><div id="pair" style="display:inline-flex;gap:24px;padding:24px;align-items:flex-start">${img(english)}${img(czech)}</div></body>`,
    );
    const pair = await side.locator('#pair').screenshot();
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(path.join(SCREENSHOTS, 'card-en-cs.png'), pair);
    // PNG signature, and wider than either card alone.
    expect(pair.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pair.readUInt32BE(16)).toBeGreaterThan(english.readUInt32BE(16) + czech.readUInt32BE(16));
  });
});
