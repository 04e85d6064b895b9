import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { repositoryRoot } from '../support/paths';
import {
  createProfile,
  installationFromEnvironment,
  installExtension,
  type RunningCodeServer,
  startCodeServer,
  stopProcessGroup,
  waitForExit,
} from './support/code-server';

// What a user sees in a real VS Code (code-server) with the packaged extension installed, on
// the deployment from certboot's story. Each step saves a screenshot in test-artifacts/vscode/.

const artifacts = join(repositoryRoot, 'test-artifacts', 'vscode');
const example = join(repositoryRoot, 'examples', 'certbot-deadlock');
const configRelative = join('nginx', 'conf.d', 'example.com.conf');

/** The lines of example.com.conf (1-based) that keep nginx from starting on a fresh server. */
const storyLines = [6, 7, 8, 9];

describe('certboot in VS Code (code-server + Chromium)', () => {
  let temporary: string;
  let project: string;
  let codeServer: RunningCodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let pageOpened = false;
  let consoleLog: WriteStream | undefined;
  let step = 0;

  async function screenshot(name: string): Promise<void> {
    step += 1;
    await page.screenshot({ path: join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`) });
  }

  before(async function () {
    this.timeout(120_000);
    const installation = installationFromEnvironment();
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    temporary = mkdtempSync(join(tmpdir(), 'certboot-vscode-'));
    // a copy, so the quick fix edits a file outside the repository
    project = join(temporary, 'certbot-deadlock');
    cpSync(example, project, { recursive: true });
    const profile = createProfile(temporary);
    await installExtension(installation, profile, join(artifacts, 'install-extension.log'));
    codeServer = await startCodeServer(installation, profile, project, join(artifacts, 'code-server.log'));
    context = await chromium.launchPersistentContext(join(temporary, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 900 },
      env: profile.environment,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    pageOpened = true;
    consoleLog = createWriteStream(join(artifacts, 'browser-console.log'));
    page.on('console', (message) => consoleLog?.write(`${message.type()}: ${message.text()}\n`));
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(project)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && pageOpened) await screenshot('failed');
  });

  after(async function () {
    this.timeout(30_000);
    await context?.close();
    consoleLog?.end();
    if (codeServer) {
      stopProcessGroup(codeServer.process);
      await waitForExit(codeServer.process, 10_000);
    }
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  });

  async function waitUntil(condition: () => boolean | Promise<boolean>, milliseconds: number, what: string): Promise<void> {
    const deadline = Date.now() + milliseconds;
    while (!(await condition())) {
      if (Date.now() > deadline) {
        await screenshot(`timeout-${what.replace(/[^a-z0-9]+/gi, '-')}`);
        throw new Error(`timed out after ${milliseconds} ms waiting for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  function editor(): Locator {
    return page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The 1-based line numbers the editor shows at the height of each element. */
  async function linesOf(elements: Locator): Promise<number[]> {
    const numbers = await editor()
      .locator('.margin-view-overlays .line-numbers')
      .evaluateAll((nodes) =>
        nodes.map((node) => {
          const box = node.getBoundingClientRect();
          return { line: Number(node.textContent), top: box.top, bottom: box.bottom };
        }),
      );
    const middles = await elements.evaluateAll((nodes) => nodes.map((node) => (node.getBoundingClientRect().top + node.getBoundingClientRect().bottom) / 2));
    const lines = middles.map((middle) => numbers.find((number) => middle >= number.top && middle < number.bottom)?.line ?? -1);
    return [...new Set(lines)].sort((left, right) => left - right);
  }

  /** The element of the rendered text of `line` (1-based) that holds `text`. */
  async function tokenOn(line: number, text: string): Promise<Locator> {
    const number = editor().locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) });
    const box = await number.boundingBox();
    ok(box, `line ${line} is not on screen`);
    const spans = editor().locator('.view-lines .view-line span span', { hasText: text });
    for (let index = 0; index < (await spans.count()); index += 1) {
      const span = spans.nth(index);
      const spanBox = await span.boundingBox();
      if (spanBox && Math.abs(spanBox.y + spanBox.height / 2 - (box.y + box.height / 2)) < box.height / 2) return span;
    }
    throw new Error(`no "${text}" on line ${line}`);
  }

  /**
   * Puts the cursor on `text` of `line` (1-based), opens the Ctrl+. menu and answers its row that
   * holds `wanted`. A click can land while the workbench is still moving things around (a panel
   * closing, a hover fading): then the cursor is elsewhere or the menu lists what is there. It
   * tries three times, says on the console when it needed more than one, and fails with what the
   * menu showed.
   */
  async function quickFixRow(line: number, text: string, wanted: string): Promise<Locator> {
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await page.keyboard.press('Escape');
      await (await tokenOn(line, text)).click();
      // away from the text, so no hover opens over the menu
      await page.mouse.move(700, 480);
      const cursor = page.locator('.statusbar-item', { hasText: new RegExp(`^Ln ${line}, Col \\d+`) });
      const onLine = await cursor
        .first()
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (!onLine) {
        seen.push(`attempt ${attempt}: the cursor is not on line ${line} after the click`);
        continue;
      }
      await page.keyboard.press('Control+.');
      const row = page.locator('.action-widget .monaco-list-row', { hasText: wanted }).first();
      if (
        await row.waitFor({ timeout: 10_000 }).then(
          () => true,
          () => false,
        )
      ) {
        if (attempt > 1) console.log(`      the menu offered "${wanted}" on attempt ${attempt} (${seen.join('; ')})`);
        return row;
      }
      const menu = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
      // with no actions at all, the editor says so in an overlay message ("No code actions available")
      const overlay = await page.locator('.monaco-editor-overlaymessage').allInnerTexts();
      const focus = await page.evaluate<string>("document.activeElement ? String(document.activeElement.className) : 'nothing'");
      seen.push(
        `attempt ${attempt}: ${menu.length === 0 ? `no menu (editor message ${JSON.stringify(overlay)}, focus on ${JSON.stringify(focus)})` : `the menu held ${JSON.stringify(menu)}`}`,
      );
      await screenshot(`menu-without-${wanted.replace(/[^a-z0-9]+/gi, '-')}-${attempt}`);
    }
    throw new Error(`the Ctrl+. menu on line ${line} never offered "${wanted}": ${seen.join('; ')}`);
  }

  it('opens nginx/conf.d/example.com.conf from Quick Open', async () => {
    await screenshot('workbench');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('example.com.conf');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'example.com.conf' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'example.com.conf' }).waitFor();
    await editor().locator('.view-line', { hasText: 'ssl_certificate' }).first().waitFor();
    await screenshot('nginx-config-open');
  });

  it('puts error squiggles on the lines that stop nginx on first boot', async () => {
    const squiggles = editor().locator('.squiggly-error');
    await waitUntil(async () => (await squiggles.count()) >= storyLines.length, 30_000, 'squiggles on the story lines');
    deepStrictEqual(await linesOf(squiggles), storyLines);
    await screenshot('squiggles');
  });

  it('lists the problems with their rule ids in the Problems panel', async () => {
    await page.keyboard.press('Control+Shift+M');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.nth(storyLines.length).waitFor({ timeout: 15_000 });
    // the list renders only the rows in view, and related locations make it longer than the panel
    const texts = new Set(await rows.allInnerTexts());
    await screenshot('problems');
    // scrolling, not selecting: a selected row opens its location in the editor
    await page.locator('.markers-panel').hover();
    await page.mouse.wheel(0, 5000);
    await page.waitForTimeout(300);
    for (const row of await rows.allInnerTexts()) texts.add(row);
    const text = [...texts].join('\n');
    for (const ruleId of ['missing-certificate-on-first-boot', 'certbot-nginx-options-missing'])
      ok(text.includes(ruleId), `Problems has no ${ruleId}:\n${text}`);
    for (const line of storyLines) ok(text.includes(`Ln ${line},`), `Problems has nothing on line ${line}:\n${text}`);
    ok(text.includes('BIO_new_file() failed'), `Problems does not say what nginx prints:\n${text}`);
    await screenshot('problems-end');
    await page.locator('.tab', { hasText: 'example.com.conf' }).click();
  });

  it('explains the certificate path on hover', async () => {
    const path = await tokenOn(6, 'fullchain.pem');
    await path.hover();
    const hover = page.locator('.monaco-hover', { hasText: 'absent until service certbot writes it' });
    await hover.first().waitFor({ timeout: 15_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: the hover as the user reads it, line breaks included
    const text = await hover.first().innerText();
    ok(text.includes('/etc/letsencrypt/live/example.com/fullchain.pem'), text);
    ok(text.includes('./certbot/conf'), text);
    // the diagnostic comes first in the hover; scroll to the path's description
    await hover.first().hover();
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(300);
    await screenshot('hover');
    await page.keyboard.press('Escape');
    await page.mouse.move(0, 0);
  });

  it('applies a quick fix from the Ctrl+. menu and the file changes on disk', async () => {
    const file = join(project, configRelative);
    const before = readFileSync(file, 'utf8');
    const fix = await quickFixRow(9, 'ssl_dhparam', 'Remove `ssl_dhparam`');
    const menu = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    ok(
      menu.some((entry) => entry.includes('Disable certbot-nginx-options-missing for this line')),
      `the menu has no disable action:\n${menu.join('\n')}`,
    );
    await screenshot('quick-fix-menu');
    await fix.click();
    await page.keyboard.press('Control+S');
    const expected = before.replace('    ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;\n', '');
    await waitUntil(() => readFileSync(file, 'utf8') === expected, 10_000, 'the fixed file on disk').catch(() => undefined);
    strictEqual(readFileSync(file, 'utf8'), expected);
    // the server re-lints the saved file: the fixed line loses its squiggle, the others keep theirs
    const squiggles = editor().locator('.squiggly-error');
    await waitUntil(async () => (await linesOf(squiggles)).join() === '6,7,8', 15_000, 'squiggles on lines 6, 7, 8 only');
    await screenshot('quick-fix-applied');
  });

  it('runs "certboot: Generate bootstrap config": prefilled prompts, then a refactor preview', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>certboot: Generate bootstrap config');
    const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'certboot: Generate bootstrap config' });
    await entry.first().waitFor();
    await screenshot('command-palette');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: '(1/3)' }).waitFor({ timeout: 15_000 });
    strictEqual(await input.inputValue(), 'example.com www.example.com');
    await screenshot('bootstrap-domains');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: '(2/3)' }).waitFor();
    strictEqual(await input.inputValue(), 'admin@example.com');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: '(3/3)' }).waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: "Let's Encrypt staging" }).first().click();
    // the edit needs confirmation: VS Code shows it as a refactor preview before writing anything
    const discard = page.getByRole('button', { name: 'Discard' });
    await discard.first().waitFor({ timeout: 15_000 });
    await screenshot('bootstrap-preview');
    await discard.first().click();
    strictEqual(existsSync(join(project, 'scripts', 'init-certificates.sh')), false);
  });

  it('splits the configuration into HTTP-first stages from the Ctrl+. menu, through the preview', async () => {
    const split = await quickFixRow(6, 'fullchain.pem', 'Split into HTTP-first stages');
    await screenshot('split-quick-fix');
    await split.click();
    const apply = page.getByRole('button', { name: 'Apply' });
    await apply.first().waitFor({ timeout: 15_000 });
    await screenshot('split-preview');
    // changes that need confirmation start unchecked: the user ticks them, row by row, from the
    // keyboard (Space toggles the focused change; a file's row toggles all of its changes)
    const rows = page.locator('.monaco-list-row:has(.edit-checkbox)');
    await rows.first().locator('.monaco-icon-label').first().click();
    await page.keyboard.press('Home');
    const focused = page.locator('.monaco-list-row.focused:has(.edit-checkbox)').first();
    let previous: string | null = null;
    let ticked = 0;
    for (let step = 0; step < 400; step += 1) {
      await focused.waitFor({ timeout: 5_000 });
      const index = await focused.getAttribute('data-index');
      if (index === previous) break;
      previous = index;
      if ((await focused.locator('.edit-checkbox').first().getAttribute('aria-checked')) !== 'true') {
        await page.keyboard.press('Space');
        await waitUntil(async () => (await focused.locator('.edit-checkbox').first().getAttribute('aria-checked')) === 'true', 5_000, `change ${index} ticked`);
        ticked += 1;
      }
      await page.keyboard.press('ArrowDown');
    }
    ok(ticked > 0, 'ticked no change in the preview');
    await screenshot('split-preview-confirmed');
    await apply.first().click();
    // a workspace edit changes buffers; saving them is the user's step
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>File: Save All');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'File: Save All' }).first().waitFor();
    await page.keyboard.press('Enter');
    const stage2 = join(project, 'nginx', 'https-available', 'example.com.conf');
    const script = join(project, 'scripts', 'init-certificates.sh');
    await waitUntil(
      // Save All writes the buffers one after another: wait for both
      () =>
        existsSync(script) &&
        readFileSync(script, 'utf8').startsWith('#!/bin/sh') &&
        existsSync(stage2) &&
        readFileSync(stage2, 'utf8').includes('ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;'),
      15_000,
      'the saved stage files on disk',
    );
    // the server made the new scripts executable once the editor had created them, and saving kept it
    for (const path of [script, join(project, 'certbot', 'hooks', 'enable-https.sh'), join(project, 'nginx', 'entrypoint.d', '40-reload-on-certificate.sh')]) {
      strictEqual((statSync(path).mode & 0o111) !== 0, true, `${path} is not executable: mode ${(statSync(path).mode & 0o777).toString(8)}`);
    }
    await screenshot('split-applied');
  });
});
