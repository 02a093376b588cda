import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { consoleApp, type ConsoleApp } from '../admin/console-app';

// Debian's chromium, driven by puppeteer-core (no browser download). CHROMIUM_PATH overrides.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const describeWithChromium: jest.Describe = fs.existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;
const TOKEN = 'e2e-console-token';
const QUESTION = '备案用的域名可以过户给我朋友吗';

jest.setTimeout(90_000);

describeWithChromium('console in a real browser (headless Chromium)', () => {
  let c: ConsoleApp;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    c = await consoleApp({ CONSOLE_TOKEN: TOKEN });
    server = http.createServer(c.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    // A CSP violation or a script error shows up here: the pages must work under the strict policy.
    // (The 401 of the first visit and the browser's own favicon request are expected, not problems.)
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (c) fs.rmSync(c.dir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const replies = () =>
    page.$$eval('[data-testid="chat-reply"]', (els) => els.map((e) => ({ text: e.textContent ?? '', intent: e.getAttribute('data-intent') })));
  async function chat(text: string): Promise<{ text: string; intent: string | null }> {
    const before = (await replies()).length;
    await page.type('[data-testid="chat-input"]', text);
    await page.click('[data-testid="chat-send"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="chat-reply"]').length > n, {}, before);
    return (await replies())[before];
  }

  it('logs in, chats, teaches a missed question from the inbox, and the bot answers it after the reload', async () => {
    const refused = await page.goto(`${base}/console`);
    expect(refused!.status()).toBe(401);
    await shot('login');
    await page.type('input[name="token"]', TOKEN);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(page.url()).toBe(`${base}/console`);

    const missed = await chat(QUESTION);
    expect(missed.intent).not.toBe('filing.types');
    expect(missed.text.length).toBeGreaterThan(0);
    await shot('try-it');

    await page.goto(`${base}/console/inbox`);
    const row = await page.waitForSelector(`xpath/.//li[@data-testid="inbox-row"][.//span[@class="text"][text()="${QUESTION}"]]`);
    await shot('inbox');
    const picker = await row!.$('[data-testid="intent-picker"]');
    await picker!.select('filing.types');
    await (await row!.$('[data-testid="teach"]'))!.click();
    await page.waitForFunction(
      (q) => {
        const r = Array.from(document.querySelectorAll('[data-testid="inbox-row"]')).find((li) => li.querySelector('.text')?.textContent === q);
        return /Now answered as/.test(r?.querySelector('.result')?.textContent ?? '');
      },
      {},
      QUESTION,
    );
    const result = await row!.$eval('.result', (e) => e.textContent);
    expect(result).toContain('filing.types');
    await shot('inbox-taught');

    await page.goto(`${base}/console`);
    await page.click('#chat-reset');
    const answered = await chat(QUESTION);
    expect(answered.intent).toBe('filing.types');
    await shot('try-it-after-teach');

    await page.goto(`${base}/console/knowledge`);
    await page.waitForSelector('details.intent');
    await shot('knowledge');
    await page.goto(`${base}/console/stats`);
    await page.waitForFunction(
      () => typeof (window as unknown as { Chart?: unknown }).Chart === 'function' && document.querySelectorAll('#totals .total').length > 0,
    );
    await shot('stats');
    await page.goto(`${base}/console/users`);
    await page.type('#user-key', 'console:tester');
    await page.click('#user-form button');
    await page.waitForSelector('#user-result h3');
    await shot('users');

    expect(problems).toEqual([]);
  });
});
