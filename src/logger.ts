import fs from 'node:fs';
import stringify from 'safe-stable-stringify';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { maskDeep } from './privacy/mask';

// Every string a log line carries is masked, at every level: phone, ID and code digits never reach
// the log even when a module logs something it shouldn't.
const maskPersonalData = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = maskDeep(info[key]);
  return info;
});

// triple-beam's MESSAGE: the formatted line a transport writes.
const MESSAGE = Symbol.for('message');
// logform's json() with its defaults, except that it configures safe-stable-stringify on every
// line; the default export is configured once, the same way. BigInts as strings, as json() does.
const bigintAsString = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
/** Whether a BigInt is anywhere inside (the replacer only changes those; a line without one skips it, as most do). */
function hasBigint(value: unknown, depth = 0): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  // Deeper than this the masker has already flattened the value to text; a cycle ends here too.
  if (depth > 8) return true;
  for (const v of Object.values(value)) if (hasBigint(v, depth + 1)) return true;
  return false;
}
const json = winston.format((info) => {
  // Without a replacer safe-stable-stringify takes its plain path (no callback per key), same output.
  (info as Record<symbol, unknown>)[MESSAGE] = hasBigint(info) ? stringify(info, bigintAsString) : stringify(info);
  return info;
});

/**
 * stdout, a write per event-loop turn instead of per line: a write to a pipe or file is a system
 * call, and under load one turn logs a line for each of many requests. Lines wait at most until
 * the turn ends (setImmediate), and are written synchronously when the process exits.
 */
class BatchedStdout extends TransportStream {
  private pending: string[] = [];
  private scheduled = false;

  constructor() {
    super();
    process.once('exit', () => this.flushSync());
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.pending.push(`${String(info[MESSAGE])}\n`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    callback();
  }

  private take(): string {
    const text = this.pending.join('');
    this.pending = [];
    this.scheduled = false;
    return text;
  }

  private flush(): void {
    if (this.pending.length) process.stdout.write(this.take());
  }

  private flushSync(): void {
    if (!this.pending.length) return;
    try {
      fs.writeSync(1, this.take());
    } catch {
      // stdout closed: nothing is left to write to.
    }
  }
}

// One JSON line per event on stdout; modules log through child loggers so every line names its source.
export const rootLogger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.errors({ stack: true }), maskPersonalData(), winston.format.timestamp(), json()),
  defaultMeta: { service: 'beian-bot' },
  transports: [new BatchedStdout()],
});

// winston formats (masks, stringifies) every line before its transports look at the level, so a
// debug line costs as much as a written one. A line no transport will write returns here, first.
// Child loggers inherit these methods from the root.
for (const level of Object.keys(rootLogger.levels)) {
  const write = (rootLogger as unknown as Record<string, (...args: unknown[]) => winston.Logger>)[level];
  Object.defineProperty(rootLogger, level, {
    // Unbound calls (a method passed as a callback) go to the root logger, as winston's own do.
    value: function (this: winston.Logger | undefined, ...args: unknown[]) {
      const self = this ?? rootLogger;
      return self.isLevelEnabled(level) ? write.apply(self, args) : self;
    },
  });
}

// winston passes each line through two object-mode streams: the logger (a Transform, whose
// _transform applies the format) piped into every transport (a Writable, whose _write checks the
// transport's level and format and calls its log()). In a busy server that plumbing cost more than
// formatting the line. The same steps, called directly; transports are still added, piped and
// removed through winston (add, remove, clear), which sets their parent and levels.
const LEVEL = Symbol.for('level');
type Info = Record<string | symbol, unknown>;
interface DirectTransport {
  silent?: boolean;
  handleExceptions?: boolean;
  level?: string;
  levels?: Record<string, number>;
  parent?: { level?: string };
  format?: winston.Logform.Format;
  log?(info: Info, next: () => void): unknown;
}
const done = () => undefined;

function deliver(transport: DirectTransport, info: Info): void {
  // winston-transport's _write, step by step.
  if (transport.silent || (info.exception === true && !transport.handleExceptions)) return;
  const level = transport.level || transport.parent?.level;
  if (level && transport.levels && !(transport.levels[level] >= transport.levels[info[LEVEL] as string])) return;
  if (!transport.format) {
    transport.log?.(info, done);
    return;
  }
  const transformed = transport.format.transform({ ...info } as winston.Logform.TransformableInfo, transport.format.options) as Info | false;
  if (transformed) transport.log?.(transformed, done);
}

Object.defineProperty(rootLogger, 'write', {
  writable: true,
  configurable: true,
  value: function (this: winston.Logger, info: Info): boolean {
    // winston's Logger._transform: silence, the level symbol, the logger's format, then every transport.
    if (this.silent) return true;
    if (!info[LEVEL]) info[LEVEL] = info.level;
    const formatted = this.format.transform(info as winston.Logform.TransformableInfo, this.format.options) as Info | false;
    if (!formatted) return true;
    for (const transport of this.transports as unknown as DirectTransport[]) deliver(transport, formatted);
    return true;
  },
});

export function moduleLogger(module: string): winston.Logger {
  return rootLogger.child({ module });
}
