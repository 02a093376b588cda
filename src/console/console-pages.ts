import { PLATFORMS } from '../core/types';

/** Text for HTML: the five characters that could start markup or end an attribute. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type ConsolePage = 'chat' | 'inbox' | 'knowledge' | 'stats' | 'users';

const NAV: Array<[ConsolePage, string, string]> = [
  ['chat', '/console', 'Try it'],
  ['inbox', '/console/inbox', 'Inbox'],
  ['knowledge', '/console/knowledge', 'Knowledge'],
  ['stats', '/console/stats', 'Stats'],
  ['users', '/console/users', 'Users'],
];

const CHANNELS = ['console', 'json', 'wechat', 'wecom', 'douyin', 'wechaty'];
const options = (values: string[], none?: string) =>
  (none !== undefined ? `<option value="">${esc(none)}</option>` : '') + values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');

function bodyOf(page: ConsolePage): string {
  switch (page) {
    case 'chat':
      return `<h1>Try it</h1>
<form id="chat-form" class="toolbar">
  <label>Test user <input id="chat-user" value="tester" maxlength="64" pattern="[A-Za-z0-9_.\\-]+"></label>
  <label>Platform <select id="chat-platform">${options([...PLATFORMS], '(none)')}</select></label>
  <label>Channel <select id="chat-channel">${options(CHANNELS)}</select></label>
  <label>Message time <input id="chat-at" type="datetime-local" title="Leave empty for now"></label>
  <button type="button" id="chat-reset">Reset test user</button>
</form>
<div id="chat-log" class="chat-log" aria-live="polite"></div>
<form id="chat-send-form" class="chat-send">
  <input id="chat-input" data-testid="chat-input" autocomplete="off" maxlength="2000" placeholder="Type as a user would…" required>
  <button type="submit" data-testid="chat-send">Send</button>
</form>`;
    case 'inbox':
      return `<h1>What it missed</h1>
<form id="inbox-filters" class="toolbar">
  <label>Day <input id="f-day" type="date"></label>
  <label>Language <select id="f-lang">${options(['zh-Hans', 'zh-Hant', 'en'], 'all')}</select></label>
  <label>Platform <select id="f-platform">${options([...PLATFORMS, 'none'], 'all')}</select></label>
  <button type="submit">Filter</button>
  <a href="/api/v1/admin/overlay.yaml">Export overlay (YAML)</a>
</form>
<p id="inbox-status" class="muted"></p>
<ul id="inbox" data-testid="inbox" class="inbox"></ul>`;
    case 'knowledge':
      return `<h1>Knowledge</h1>
<div class="toolbar"><button type="button" id="reload">Reload intents/ and overlay</button> <span id="reload-status" class="muted"></span></div>
<div id="validation"></div>
<div id="knowledge"></div>`;
    case 'stats':
      return `<h1>Stats</h1>
<div id="totals" class="totals"></div>
<div class="charts">
  <figure><figcaption>Messages per day by channel</figcaption><canvas id="c-channel"></canvas></figure>
  <figure><figcaption>Messages per day by language</figcaption><canvas id="c-lang"></canvas></figure>
  <figure><figcaption>Fallback rate</figcaption><canvas id="c-fallback"></canvas></figure>
  <figure><figcaption>Handoffs per day</figcaption><canvas id="c-handoff"></canvas></figure>
  <figure><figcaption>Top intents</figcaption><canvas id="c-intents"></canvas></figure>
  <figure><figcaption>Top 20 unanswered</figcaption><ol id="top-unanswered"></ol></figure>
</div>`;
    case 'users':
      return `<h1>Look a user up</h1>
<form id="user-form" class="toolbar">
  <label>User key <input id="user-key" required maxlength="200" placeholder="wechat:o…, or a JSON API userId"></label>
  <button type="submit">Look up</button>
</form>
<div id="user-result"></div>`;
  }
}

/** A console page: the shell the page's script fills through the admin API. */
export function renderPage(page: ConsolePage, csrf: string): string {
  const nav = NAV.map(([p, href, label]) => `<a href="${href}"${p === page ? ' aria-current="page"' : ''}>${label}</a>`).join('');
  const charts = page === 'stats' ? '<script src="/console/assets/chart.umd.min.js" defer></script>\n' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${esc(csrf)}">
<title>beian-bot console</title>
<link rel="stylesheet" href="/console/assets/console.css">
${charts}<script src="/console/assets/console.js" defer></script>
</head><body data-page="${page}">
<header><strong>beian-bot</strong><nav>${nav}</nav>
<form method="post" action="/console/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">Log out</button></form></header>
<main>${bodyOf(page)}</main>
</body></html>`;
}

/** The login form (also what every console page shows, with 401, without a session). */
export function renderLogin(error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>beian-bot console: log in</title>
<style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;background:#f4f5f7}
form{background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002;display:grid;gap:.8em;min-width:18em}
.error{color:#b00020}</style></head><body>
<form method="post" action="/console/login">
<h1>beian-bot console</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<label>Console token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button>
</form></body></html>`;
}
