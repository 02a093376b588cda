import type { Counter, Registry } from 'prom-client';
import Transport from 'winston-transport';
import { rootLogger } from '../../src/logger';
import type { ProactiveContext, ProactiveSender, SendResult } from '../../src/reminders/proactive-sender';
import type { ReminderStateView } from '../../src/reminders/reminder-types';

const H = 3600_000;

/** A Beijing wall-clock time as an instant. */
export const bj = (iso: string) => new Date(`${iso}+08:00`);

/** A user in the SMS step with a reminder scheduled. */
export function stateView(smsReceivedAt: Date, overrides: Partial<ReminderStateView> = {}): ReminderStateView {
  return {
    stage: 'sms_verification',
    smsReceivedAt: smsReceivedAt.toISOString(),
    attemptsUsed: 1,
    attemptsAllowed: 5,
    lang: 'zh-Hans',
    handoff: null,
    reminder: { at: smsReceivedAt.toISOString(), status: 'scheduled' },
    ...overrides,
  };
}

/** A stand-in for the lead's renderer: enough to see which state and time it was given. */
export function simpleRender(state: ReminderStateView, now: Date): string {
  const deadline = Date.parse(state.smsReceivedAt!) + 24 * H;
  return `[${state.lang}] ${Math.floor((deadline - now.getTime()) / H)}h left, ${state.attemptsAllowed - state.attemptsUsed} attempts`;
}

export interface SentMessage {
  userKey: string;
  text: string;
  context?: ProactiveContext;
}

/** A sender that records what it was asked to send and answers `result`. */
export function recordingSender(result: () => SendResult = () => ({ status: 'sent' })): ProactiveSender & { sent: SentMessage[] } {
  const sent: SentMessage[] = [];
  return {
    sent,
    send: async (userKey, text, context) => {
      sent.push({ userKey, text, context });
      return result();
    },
  };
}

/** A counter's value for some labels (0 when never counted). */
export async function counterValue(counter: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

/** A counter's value in a registry, by metric name (0 when it was never counted). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return counterValue(metric as Counter<string>, labels);
}

/** Polls until the condition holds (real timers). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Keeps every line the logger would write (the final, masked JSON). */
class Capture extends Transport {
  lines: string[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[Symbol.for('message')];
    this.lines.push(typeof line === 'string' ? line : JSON.stringify(info));
    next();
  }
}

/** Captures log lines (console silenced) until `restore()`. */
export function captureLogs(): { lines: string[]; flush(): Promise<void>; restore(): void } {
  const capture = new Capture({ level: 'debug' });
  const consoles = rootLogger.transports.map((t) => [t, t.silent] as const);
  for (const [t] of consoles) t.silent = true;
  const level = rootLogger.level;
  rootLogger.level = 'debug';
  rootLogger.add(capture);
  return {
    lines: capture.lines,
    flush: () => new Promise((resolve) => setImmediate(resolve)),
    restore: () => {
      rootLogger.remove(capture);
      rootLogger.level = level;
      for (const [t, silent] of consoles) t.silent = silent;
    },
  };
}
