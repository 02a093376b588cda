import path from 'node:path';
import { spawnSync } from 'node:child_process';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { moduleLogger, rootLogger } from '../../src/logger';

describe('logger', () => {
  const log = moduleLogger('logger-test');
  let write: jest.SpyInstance;
  let level: string;
  beforeEach(() => {
    level = rootLogger.level;
    rootLogger.level = 'info';
    write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    write.mockRestore();
    rootLogger.level = level;
  });

  it('hands a line below the level to nothing (no formatting or masking), and a line at the level on', () => {
    log.debug('not written', { phone: '13812345678' });
    expect(write).not.toHaveBeenCalled();
    log.info('turn', { intent: 'x' });
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0][0]).toMatchObject({ message: 'turn', intent: 'x', module: 'logger-test' });
  });

  it('accepts a method passed on unbound, as winston does', () => {
    const warn = log.warn;
    expect(() => warn('unbound')).not.toThrow();
    expect(write).toHaveBeenCalledTimes(1);
  });
});

describe('logger output', () => {
  it('writes the lines of one event-loop turn to stdout in one write, each a JSON line with personal data masked', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const level = rootLogger.level;
    rootLogger.level = 'info';
    try {
      const log = moduleLogger('batch-test');
      for (let i = 0; i < 3; i++) log.warn('line', { i, phone: '13812345678' });
      expect(write).not.toHaveBeenCalled();
      await new Promise((resolve) => setImmediate(resolve));
      const ours = write.mock.calls.map((c) => String(c[0])).filter((t) => t.includes('batch-test'));
      expect(ours).toHaveLength(1);
      const lines = ours[0]
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { i: number; phone: string });
      expect(lines.map((l) => l.i)).toEqual([0, 1, 2]);
      expect(ours[0]).not.toContain('13812345678');
    } finally {
      write.mockRestore();
      rootLogger.level = level;
    }
  });

  it('still writes the last lines when the process exits in the same turn', () => {
    const ROOT = path.resolve(__dirname, '..', '..');
    const script = `require(${JSON.stringify(path.join(ROOT, 'src', 'logger.ts'))}).moduleLogger('exit-test').warn('last words'); process.exit(3);`;
    const out = spawnSync(process.execPath, ['--require', path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs'), '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info' },
    });
    expect(out.status).toBe(3);
    expect(out.stdout).toContain('"message":"last words"');
  });
});

describe('logger delivery to transports', () => {
  class Capture extends TransportStream {
    lines: Array<Record<string, unknown>> = [];
    override log(info: Record<string, unknown>, next: () => void): void {
      this.lines.push(info);
      next();
    }
  }

  it('hands each line to every transport as winston would: its level, its own format, silence', async () => {
    const all = new Capture();
    const warnOnly = new Capture({ level: 'warn' });
    const tagged = new Capture({ format: winston.format((info) => ({ ...info, tagged: true }))() });
    const silent = new Capture();
    silent.silent = true;
    const level = rootLogger.level;
    rootLogger.level = 'info';
    // The stdout transport writes these too: kept out of the test output.
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const t of [all, warnOnly, tagged, silent]) rootLogger.add(t);
    try {
      const log = moduleLogger('delivery-test');
      log.info('an info line', { phone: '13812345678' });
      log.warn('a warning');
      expect(all.lines.map((l) => l.message)).toEqual(['an info line', 'a warning']);
      expect(all.lines[0]).toMatchObject({ module: 'delivery-test', service: 'beian-bot', level: 'info' });
      expect(String(all.lines[0].phone)).not.toContain('12345678');
      expect(warnOnly.lines.map((l) => l.message)).toEqual(['a warning']);
      expect(tagged.lines.every((l) => l.tagged === true)).toBe(true);
      expect(all.lines.some((l) => 'tagged' in l)).toBe(false);
      expect(silent.lines).toEqual([]);
    } finally {
      for (const t of [all, warnOnly, tagged, silent]) rootLogger.remove(t);
      rootLogger.level = level;
      await new Promise((resolve) => setImmediate(resolve));
      stdout.mockRestore();
    }
  });
});
