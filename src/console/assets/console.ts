/// <reference lib="dom" />
// The console's browser script: each page's shell is server-rendered, this fills it through the
// admin API with the session cookie and the page's CSRF token. No framework, no inline script (the
// CSP allows scripts from this origin only). User text is only ever set as textContent.

declare const Chart: new (canvas: HTMLCanvasElement, config: unknown) => unknown;

interface Ranked {
  intent: string;
  confidence: number;
}

const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1/admin${path}`, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(data.error?.message ?? `${res.status} ${res.statusText}`);
  return data;
}

type Child = Node | string | null | undefined | false;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const json = (v: unknown) => el('pre', { class: 'json' }, JSON.stringify(v, null, 2));
const ranked = (list: Ranked[]) => list.map((c) => `${c.intent} ${pct(c.confidence)}`).join(', ') || '—';

function fail(where: HTMLElement, err: unknown): void {
  where.append(el('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
}

let intentList: Promise<Array<{ id: string; question: { zh: string; en: string } }>> | undefined;
const intents = () => (intentList ??= api<{ intents: Array<{ id: string; question: { zh: string; en: string } }> }>('GET', '/intents').then((r) => r.intents));

// ---- Try it ----
interface TryResult {
  reply: string;
  intent: string;
  confidence: number;
  decidedBy?: string;
  lang: string;
  at: string;
  nlu?: { intent: string; confidence: number; source: string; candidates: Ranked[]; entities: unknown };
  before?: unknown;
  after: unknown;
}

function chatPage(): void {
  const log = byId<HTMLDivElement>('chat-log');
  const input = byId<HTMLInputElement>('chat-input');
  const user = () => byId<HTMLInputElement>('chat-user').value.trim() || 'tester';
  byId<HTMLFormElement>('chat-send-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    const at = byId<HTMLInputElement>('chat-at').value;
    log.append(el('div', { class: 'turn user' }, el('div', { class: 'bubble' }, text)));
    api<TryResult>('POST', '/try', {
      text,
      user: user(),
      platform: byId<HTMLSelectElement>('chat-platform').value || undefined,
      channel: byId<HTMLSelectElement>('chat-channel').value,
      at: at ? new Date(at).toISOString() : undefined,
    })
      .then((r) => {
        const trace = el(
          'table',
          { class: 'trace' },
          ...(
            [
              ['intent', r.intent],
              ['confidence', pct(r.confidence)],
              ['decidedBy', r.decidedBy ?? ''],
              ['language', r.lang],
              ['NLU', r.nlu ? `${r.nlu.intent} ${pct(r.nlu.confidence)} (${r.nlu.source})` : ''],
              ['candidates', ranked(r.nlu?.candidates ?? [])],
              ['message time', r.at],
            ] as Array<[string, string]>
          ).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))),
        );
        log.append(
          el(
            'div',
            { class: 'turn bot' },
            el('div', { class: 'bubble', 'data-testid': 'chat-reply', 'data-intent': r.intent }, r.reply),
            el(
              'details',
              { class: 'side' },
              el('summary', {}, `${r.intent} · ${pct(r.confidence)} · ${r.decidedBy ?? ''}`),
              trace,
              el('h4', {}, 'Entities'),
              json(r.nlu?.entities ?? {}),
              el('h4', {}, 'State before'),
              json(r.before ?? {}),
              el('h4', {}, 'State after'),
              json(r.after),
            ),
          ),
        );
        log.scrollTop = log.scrollHeight;
      })
      .catch((err) => fail(log, err));
  });
  byId<HTMLButtonElement>('chat-reset').addEventListener('click', () => {
    api('POST', '/try/reset', { user: user() })
      .then(() => log.append(el('p', { class: 'muted' }, `Test user ${user()} reset.`)))
      .catch((err) => fail(log, err));
  });
}

// ---- Inbox ----
interface Question {
  text: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  lang: string;
  platforms: Record<string, number>;
  now: Ranked;
  candidates: Ranked[];
}

function inboxPage(): void {
  const list = byId<HTMLUListElement>('inbox');
  const status = byId<HTMLParagraphElement>('inbox-status');
  const load = async () => {
    const q = new URLSearchParams();
    for (const [id, key] of [
      ['f-day', 'day'],
      ['f-lang', 'lang'],
      ['f-platform', 'platform'],
    ]) {
      const v = byId<HTMLInputElement>(id).value;
      if (v) q.set(key, v);
    }
    status.textContent = 'Loading…';
    const [data, all] = await Promise.all([api<{ questions: Question[] }>('GET', `/unanswered?${q.toString()}`), intents()]);
    list.replaceChildren(...data.questions.map((question) => row(question, all)));
    status.textContent = data.questions.length ? `${data.questions.length} questions` : 'Nothing unanswered for these filters.';
  };
  const row = (question: Question, all: Array<{ id: string; question: { zh: string; en: string } }>) => {
    const picker = el('select', { 'data-testid': 'intent-picker', 'aria-label': 'Intent' });
    const first = question.candidates.map((c) => c.intent);
    for (const id of [...first, ...all.map((i) => i.id).filter((id) => !first.includes(id) && id !== 'fallback')]) {
      const info = all.find((i) => i.id === id);
      picker.append(el('option', { value: id }, info ? `${id} — ${info.question.en}` : id));
    }
    const result = el('span', { class: 'result' });
    const buttons: HTMLButtonElement[] = [];
    const act = (label: string, testid: string | undefined, run: () => Promise<string>) => {
      const b = el('button', testid ? { type: 'button', 'data-testid': testid } : { type: 'button' }, label);
      b.addEventListener('click', () => {
        buttons.forEach((x) => (x.disabled = true));
        result.textContent = 'Retraining…';
        run()
          .then((msg) => {
            result.textContent = msg;
            li.classList.add('done');
          })
          .catch((err: Error) => {
            result.textContent = err.message;
            buttons.forEach((x) => (x.disabled = false));
          });
      });
      buttons.push(b);
      return b;
    };
    const teach = (intent: string) =>
      api<{ now: Ranked }>('POST', '/teach', { text: question.text, intent }).then((r) => `Now answered as ${r.now.intent} (${pct(r.now.confidence)})`);
    const li = el(
      'li',
      { 'data-testid': 'inbox-row', class: 'row' },
      el('div', { class: 'q' }, el('span', { class: 'text' }, question.text), el('span', { class: 'count' }, `×${question.count}`)),
      el(
        'div',
        { class: 'meta muted' },
        `${question.lang} · ${Object.keys(question.platforms).join(', ')} · first ${question.firstSeen.slice(0, 16)} · last ${question.lastSeen.slice(0, 16)} · candidates: ${ranked(question.candidates)}`,
      ),
      el(
        'div',
        { class: 'actions' },
        picker,
        act('Teach as variant', 'teach', () => teach(picker.value)),
        act('Out of scope', 'out-of-scope', () => teach('fallback')),
        act('Dismiss', 'dismiss', () => api('POST', '/dismiss', { text: question.text }).then(() => 'Dismissed')),
        result,
      ),
    );
    return li;
  };
  byId<HTMLFormElement>('inbox-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    load().catch((err) => fail(list, err));
  });
  load().catch((err) => fail(list, err));
}

// ---- Knowledge ----
interface IntentView {
  id: string;
  kind: string;
  question: { zh: string; en: string };
  variants: { zh: string[]; en: string[] };
  taught: string[];
  answers: Record<string, Record<string, string>>;
  composed?: string;
  sources: string[];
}

function knowledgePage(): void {
  const root = byId<HTMLDivElement>('knowledge');
  const load = async () => {
    const data = await api<{ validation: { ok: boolean; issues: string[] }; overlay: string; intents: IntentView[] }>('GET', '/knowledge');
    byId<HTMLDivElement>('validation').replaceChildren(
      el(
        'p',
        { class: data.validation.ok ? 'ok' : 'error' },
        data.validation.ok ? `Validation: all ${data.intents.length} intents load cleanly. Overlay: ${data.overlay}` : 'Validation issues:',
      ),
      el('ul', {}, ...data.validation.issues.map((i) => el('li', {}, i))),
    );
    root.replaceChildren(
      ...data.intents.map((i) => {
        const platforms = Object.keys(i.answers);
        const langs = Object.keys(i.answers[platforms[0]] ?? {});
        return el(
          'details',
          { class: 'intent' },
          el('summary', {}, `${i.id} (${i.kind}) — ${i.question.en} / ${i.question.zh}`),
          el('h4', {}, `Variants (${i.variants.zh.length + i.variants.en.length})`),
          el('ul', { class: 'variants' }, ...[...i.variants.zh, ...i.variants.en].map((v) => el('li', { class: i.taught.includes(v) ? 'taught' : '' }, v))),
          i.composed ? el('p', { class: 'muted' }, i.composed) : null,
          el('h4', {}, 'Answer as users see it'),
          el(
            'table',
            { class: 'answers' },
            el('tr', {}, el('th', {}, 'platform'), ...langs.map((l) => el('th', {}, l))),
            ...platforms.map((p) => el('tr', {}, el('th', {}, p), ...langs.map((l) => el('td', {}, el('pre', {}, i.answers[p][l] || '—'))))),
          ),
          el('p', { class: 'muted' }, `Sources: ${i.sources.join('; ') || '—'}`),
        );
      }),
    );
  };
  byId<HTMLButtonElement>('reload').addEventListener('click', () => {
    const status = byId<HTMLSpanElement>('reload-status');
    status.textContent = 'Reloading…';
    api<{ ms: number; intents: number; taught: number }>('POST', '/reload')
      .then((r) => {
        status.textContent = `Reloaded ${r.intents} intents (${r.taught} taught) in ${r.ms} ms`;
        return load();
      })
      .catch((err: Error) => (status.textContent = err.message));
  });
  load().catch((err) => fail(root, err));
}

// ---- Stats ----
interface Stats {
  days: Array<{
    day: string;
    messages: number;
    byChannel: Record<string, number>;
    byLang: Record<string, number>;
    fallbackRate: number | null;
    handoffs: number;
  }>;
  topIntents: Array<{ intent: string; count: number }>;
  sinceStart: Record<string, number | null>;
  topUnanswered: Array<{ text: string; count: number }>;
}

function statsPage(): void {
  const bar = (id: string, labels: string[], datasets: Array<{ label: string; data: Array<number | null> }>, type = 'bar', stacked = true) =>
    new Chart(byId<HTMLCanvasElement>(id), {
      type,
      data: { labels, datasets },
      options: { animation: false, responsive: true, scales: { x: { stacked }, y: { stacked, beginAtZero: true } } },
    });
  const series = (days: Stats['days'], pick: (d: Stats['days'][number]) => Record<string, number>) => {
    const keys = [...new Set(days.flatMap((d) => Object.keys(pick(d))))].sort();
    return keys.map((k) => ({ label: k, data: days.map((d) => pick(d)[k] ?? 0) }));
  };
  api<Stats>('GET', '/stats?days=14')
    .then((s) => {
      const labels = s.days.map((d) => d.day.slice(5));
      byId<HTMLDivElement>('totals').replaceChildren(
        ...Object.entries(s.sinceStart).map(([k, v]) => el('div', { class: 'total' }, el('strong', {}, v === null ? '—' : String(v)), el('span', {}, k))),
      );
      bar(
        'c-channel',
        labels,
        series(s.days, (d) => d.byChannel),
      );
      bar(
        'c-lang',
        labels,
        series(s.days, (d) => d.byLang),
      );
      bar('c-fallback', labels, [{ label: 'fallback rate', data: s.days.map((d) => d.fallbackRate) }], 'line', false);
      bar('c-handoff', labels, [{ label: 'handoffs', data: s.days.map((d) => d.handoffs) }]);
      bar(
        'c-intents',
        s.topIntents.map((i) => i.intent),
        [{ label: 'replies', data: s.topIntents.map((i) => i.count) }],
      );
      byId<HTMLOListElement>('top-unanswered').replaceChildren(...s.topUnanswered.map((q) => el('li', {}, `${q.text} (×${q.count})`)));
    })
    .catch((err) => fail(byId('totals'), err));
}

// ---- Users ----
function usersPage(): void {
  const out = byId<HTMLDivElement>('user-result');
  byId<HTMLFormElement>('user-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = byId<HTMLInputElement>('user-key').value.trim();
    const path = `/users/${encodeURIComponent(key)}`;
    api<{ user: string; state: unknown; raw: unknown }>('GET', path)
      .then((r) => {
        const del = el('button', { type: 'button', class: 'danger' }, 'Delete this user’s state (right to be forgotten)');
        del.addEventListener('click', () => {
          if (!confirm(`Delete all stored state of ${r.user}?`)) return;
          api<{ deleted: boolean }>('DELETE', path)
            .then((d) => out.replaceChildren(el('p', {}, d.deleted ? `Deleted ${r.user}.` : 'Nothing was stored.')))
            .catch((err) => fail(out, err));
        });
        out.replaceChildren(el('h3', {}, r.user), json(r.state), el('details', {}, el('summary', {}, 'Stored state (masked)'), json(r.raw)), del);
      })
      .catch((err) => {
        out.replaceChildren();
        fail(out, err);
      });
  });
}

const pages: Record<string, () => void> = { chat: chatPage, inbox: inboxPage, knowledge: knowledgePage, stats: statsPage, users: usersPage };
pages[document.body.dataset.page ?? '']?.();
