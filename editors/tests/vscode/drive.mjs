// Drives code-server (VS Code in a browser) in headless Chromium with
// playwright-core and checks what a user would see from the dstack extension.
//
//   node drive.mjs --url URL --file train.dstack.yml --expect expect.json --out DIR
//
// PLAYWRIGHT_CORE: path of the playwright-core package; CHROMIUM: browser binary.
// Writes DIR/vscode.json (checks + what was read off the screen) and
// DIR/vscode-*.png; exits 0 when every check passed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const opt = {};
for (let i = 2; i < process.argv.length; i += 2) {
  opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const expect = JSON.parse(fs.readFileSync(opt.expect, 'utf8'));
const waitMs = Number(opt.timeout || 60) * 1000;
fs.mkdirSync(opt.out, { recursive: true });

const started = Date.now();
const report = { editor: 'VS Code (code-server)', checks: {}, seen: {}, timings: {}, errors: [] };
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const mark = (name) => (report.timings[name] = (Date.now() - started) / 1000);
const check = (name, ok) => (report.checks[name] = Boolean(ok));

// Polls `probe` until it returns something truthy or the time is up.
async function until(probe, ms = waitMs, every = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value || Date.now() > end) {
      return value;
    }
    await pause(every);
  }
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'dstack-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1200, height: 700 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync', '--disable-background-networking',
    '--disable-component-update'],
});
const page = browser.pages()[0] ?? (await browser.newPage());
page.on('pageerror', (e) => report.errors.push(`page error: ${String(e.message).slice(0, 200)}`));

async function screenshot(name) {
  const file = path.join(opt.out, `vscode-${name}.png`);
  await pause(600); // let popups finish fading in
  await page.screenshot({ path: file });
  return file;
}

async function quickInput(prefix, text) {
  await page.keyboard.press(prefix);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: waitMs });
  await input.fill(text);
  return input;
}

async function goTo(line, col) {
  await quickInput('Control+g', `:${line}:${col}`);
  await pause(200);
  await page.keyboard.press('Enter');
  await pause(200);
}

async function runCommand(title) {
  await quickInput('F1', `>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: waitMs });
  await page.keyboard.press('Enter');
}

// editor.action.showHover is Ctrl+K Ctrl+I.
async function showHover() {
  await page.keyboard.press('Control+k');
  await page.keyboard.press('Control+i');
}

const squiggles = () => page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').count();

// The universal VSIX with no dstack-lsp anywhere: one notification with the install
// commands and a button to the guide, the status item says so, and nothing was started.
async function checkMissingServer(status) {
  const toast = page.locator('.notification-toast', { hasText: 'uv tool install dstack-lsp' }).first();
  const shown = await until(() => toast.isVisible());
  report.seen.notification = shown ? await toast.innerText() : null;
  check('notification names "uv tool install dstack-lsp" and "pip install dstack-lsp"',
    shown && /pip install dstack-lsp/.test(report.seen.notification ?? ''));
  const button = toast.locator('.monaco-button', { hasText: 'Open install guide' });
  check('notification has an "Open install guide" button', shown && (await button.count()) === 1);
  report.seen.notifications = await page.locator('.notification-toast').count();
  check('exactly one notification', report.seen.notifications === 1);
  const label = await until(async () => {
    const l = (await status.getAttribute('aria-label')) ?? '';
    return /error/.test(l) ? l : undefined;
  });
  report.seen.status_item = label ?? (await status.getAttribute('aria-label').catch(() => null));
  check('status bar says the server is missing', label);
  await screenshot('missing');
  mark('missing server');
}

async function checkServerFeatures(status) {
  const running = await until(async () => {
    const label = (await status.getAttribute('aria-label')) ?? '';
    return /check/.test(label) ? label : undefined;
  });
  report.seen.status_item = (await status.getAttribute('aria-label').catch(() => null)) ?? null;
  check('status bar shows the server running', running);
  mark('server running');

  // Diagnostics: a squiggle in the editor and an entry in the Problems panel.
  const squiggled = await until(async () => (await squiggles()) > 0);
  report.seen.squiggles = await squiggles();
  check('squiggle in the editor', squiggled);
  mark('squiggle');
  // The screenshot shows the message too: hover on the squiggle.
  await goTo(expect.diagnostic.line, expect.diagnostic.col);
  await showHover();
  await until(() => page.locator('.monaco-hover:not(.hidden)').first().isVisible(), 5000);
  await screenshot('diagnostics');
  await page.keyboard.press('Escape');

  await page.keyboard.press('Control+Shift+m');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await until(async () => (await rows.count()) > 0, waitMs);
  report.seen.problems = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.textContent));
  const line = expect.diagnostic.line;
  check(
    `Problems entry on line ${line}`,
    report.seen.problems.some((p) => new RegExp(`at line ${line} and character`).test(p ?? '')),
  );
  await screenshot('problems');
  mark('problems');
  // Back to the editor, panel closed, so the popups have room.
  await page.keyboard.press('Control+j');
  await page.locator('.monaco-editor .view-lines').first().click();

  // Hover.
  await goTo(expect.hover.line, expect.hover.col);
  await showHover();
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  const hoverText = await until(async () => {
    const text = await hover.innerText();
    return text.toLowerCase().includes(expect.hover.contains.toLowerCase()) ? text : undefined;
  }, waitMs);
  report.seen.hover = hoverText ?? (await hover.innerText().catch(() => null));
  check(`hover mentions "${expect.hover.contains}"`, hoverText);
  await screenshot('hover');
  await page.keyboard.press('Escape');
  mark('hover');

  // Completion (Ctrl+Space).
  await goTo(expect.completion.line, expect.completion.col);
  await page.keyboard.press('Control+Space');
  const labels = page.locator('.suggest-widget.visible .monaco-list-row .label-name');
  const seenLabels = await until(async () => {
    const all = await labels.evaluateAll((els) => els.map((e) => e.textContent));
    return expect.completion.labels.every((l) => all.includes(l)) ? all : undefined;
  }, waitMs);
  report.seen.completion = seenLabels ?? (await labels.evaluateAll((els) => els.map((e) => e.textContent)).catch(() => []));
  check(`completion offers ${expect.completion.labels.join(', ')}`, seenLabels);
  await screenshot('completion');
  await page.keyboard.press('Escape');
  mark('completion');

  // Fix the value: the squiggle must go away (the server re-checks on change), and a
  // valid file is what dstack.offers needs.
  await goTo(expect.fix.line, expect.fix.col);
  await page.keyboard.press('Shift+End');
  await page.keyboard.type(expect.fix.text);
  const cleared = await until(async () => (await squiggles()) === 0);
  check(`fixing line ${expect.fix.line} clears the squiggle`, cleared);
  mark('fix');

  // The offers view: a webview beside the editor with a table (sidebar hidden for room).
  await page.keyboard.press('Control+b');
  await runCommand('dstack: Show matching offers');
  const frame = page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  const heading = await until(() => frame.locator('h2').innerText(), waitMs);
  report.seen.offers_heading = heading ?? null;
  report.seen.offers_rows = await frame.locator('tbody tr').count().catch(() => 0);
  check('offers view shows a table', heading && report.seen.offers_rows > 0);
  await screenshot('offers');
  mark('offers');

  // The server's code lens runs dstack.offers too; the extension shows that answer in the same view.
  await page.locator('.tab', { hasText: 'Offers:' }).locator('.codicon-close, .action-label').last().click();
  await until(async () => (await page.locator('.tab', { hasText: 'Offers:' }).count()) === 0, 10000);
  const lens = page.locator('.codelens-decoration a', { hasText: /offers/ }).first();
  const lensShown = await until(() => lens.isVisible());
  if (lensShown) {
    await lens.click();
  }
  const lensTable = await until(async () => (await frame.locator('tbody tr').count()) > 0);
  check('code lens opens the offers view', lensShown && lensTable);
  mark('code lens');

  // Accepting a key whose values the server offers opens the suggestions again (the server
  // marks the item, the extension adds editor.action.triggerSuggest).
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('spot_poli');
  await page.keyboard.press('Control+Space');
  const keyShown = await until(async () => {
    const all = await labels.evaluateAll((els) => els.map((e) => e.textContent));
    return all.includes('spot_policy') ? all : undefined;
  }, waitMs);
  if (keyShown) {
    await page.keyboard.press('Enter');
  }
  const valuesShown = await until(async () => {
    const all = await labels.evaluateAll((els) => els.map((e) => e.textContent));
    return ['spot', 'on-demand', 'auto'].every((v) => all.includes(v)) ? all : undefined;
  }, waitMs);
  report.seen.retrigger = valuesShown ?? (await labels.evaluateAll((els) => els.map((e) => e.textContent)).catch(() => []));
  check('accepting spot_policy opens its values', keyShown && valuesShown);
  await screenshot('retrigger');
  await page.keyboard.press('Escape');
  mark('retrigger');

  // Restart: the status item reports a new start time (to the second, hence the pause).
  const label = () => status.getAttribute('aria-label').then((l) => l ?? '');
  const before = await label();
  await pause(1100);
  await runCommand('dstack: Restart server');
  const after = await until(async () => {
    const now = await label();
    return /is running/.test(now) && now !== before ? now : undefined;
  });
  report.seen.status_after_restart = after ?? (await label());
  check('restart command restarts the server', after);
  mark('restart');
}

try {
  await page.goto(opt.url, { waitUntil: 'domcontentloaded', timeout: waitMs });
  await page.locator('.monaco-workbench').waitFor({ timeout: waitMs });
  mark('workbench');

  await quickInput('Control+p', opt.file);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: waitMs });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: waitMs });
  mark('file open');

  // YAML highlighting must survive: the editor's language is still YAML.
  const language = await until(
    () => page.locator('[id="status.editor.mode"]').innerText().then((t) => t.trim() || undefined),
    waitMs,
  );
  report.seen.language = language ?? null;
  check('language mode is YAML', /yaml/i.test(language ?? ''));

  const status = page.locator('.statusbar-item', { hasText: 'dstack' }).first();
  if (opt.mode === 'missing') {
    await checkMissingServer(status);
  } else {
    await checkServerFeatures(status);
  }
} catch (err) {
  report.errors.push(String(err?.stack ?? err).slice(0, 1500));
  await screenshot('error').catch(() => {});
} finally {
  report.elapsed_s = (Date.now() - started) / 1000;
  await browser.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}

report.ok = report.errors.length === 0 && Object.values(report.checks).every(Boolean);
fs.writeFileSync(path.join(opt.out, opt.report || 'vscode.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`VS Code (code-server${opt.mode === 'missing' ? ', no server installed' : ''}), ${report.elapsed_s.toFixed(1)} s`);
for (const [name, ok] of Object.entries(report.checks)) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
}
for (const e of report.errors) {
  console.log(`  error: ${e}`);
}
process.exit(report.ok ? 0 : 1);
