import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Transport from 'winston-transport';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { rootLogger } from '../../src/logger';
import { FileUnansweredLog } from '../../src/state/unanswered-log';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { newEngine, sharedNlu } from '../helpers';

const at = new Date('2026-01-02T02:00:00Z');

class Capture extends Transport {
  lines: string[] = [];
  override log(info: unknown, next: () => void): void {
    this.lines.push(JSON.stringify(info));
    next();
  }
}

describe('personal data in messages', () => {
  it('reminds the user not to share a pasted code, and keeps it out of state', async () => {
    const { engine, store } = newEngine();
    const { reply } = await engine.handle({ userId: 'p-1', text: '验证码是482913 输进去说失败', timestamp: at, channel: 't' });
    expect(reply.text).toMatch(/beian\.miit\.gov\.cn/);
    expect(reply.text).toMatch(/不要发给任何人/);
    expect(JSON.stringify(await store.get('p-1'))).not.toMatch(/482913/);
  });

  it('checks a phone number against the listed segments, showing only a masked form', async () => {
    const { engine } = newEngine();
    const ok = await engine.handle({ userId: 'p-2', text: '负责人手机是13812345678', timestamp: at, channel: 't' });
    expect(ok.reply.text).toMatch(/138\*\*\*\*5678.*号段本身没问题/);
    expect(ok.reply.text).not.toMatch(/13812345678/);
    const bad = await engine.handle({ userId: 'p-2', text: 'is 145 1234 5678 ok for the sms', timestamp: at, channel: 't' });
    expect(bad.reply.text).toMatch(/145\*\*\*\*5678.*not among the segments/);
    expect(bad.reply.sources).toContain('002 §6.1c');
  });

  it('answers a bare phone number in the language the user used before', async () => {
    const { engine } = newEngine();
    await engine.handle({ userId: 'p-3', text: '你好', timestamp: at, channel: 't' });
    const { reply } = await engine.handle({ userId: 'p-3', text: '17412345678', timestamp: at, channel: 't' });
    expect(reply.lang).toBe('zh-Hans');
    expect(reply.text).toMatch(/174\*\*\*\*5678 的号段 174 不在/);
  });

  it('masks phone, ID and code digits in every log line, at every level', async () => {
    const capture = new Capture({ level: 'silly' });
    const previous = rootLogger.level;
    const consoles = rootLogger.transports.map((t) => [t, t.silent] as const);
    for (const [t] of consoles) t.silent = true; // capture only, keep the test output clean
    rootLogger.level = 'silly';
    rootLogger.add(capture);
    try {
      rootLogger.child({ module: 't' }).debug('user said 13812345678 and 110101199003074578, code 482913', { text: '后六位07457X' });
      const { engine } = newEngine();
      await engine.handle({ userId: 'p-4', text: '我的手机13812345678 验证码482913', timestamp: at, channel: 't' });
    } finally {
      rootLogger.remove(capture);
      rootLogger.level = previous;
      for (const [t, silent] of consoles) t.silent = silent;
    }
    const all = capture.lines.join('\n');
    expect(capture.lines.length).toBeGreaterThan(1);
    for (const raw of ['13812345678', '110101199003074578', '482913', '07457X']) expect(all).not.toContain(raw);
    expect(all).toContain('138****5678');
  });
});

describe('unanswered questions', () => {
  it('records fallbacks masked and counted, most frequent first', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-')), 'log.jsonl');
    const log = new FileUnansweredLog(file);
    const engine = new DialogueEngine(sharedNlu(), new MemoryConversationStore(60), undefined, log);
    for (const text of ['怎么开发票 电话13812345678', '怎么开发票 电话13812345678', '今天天气怎么样', '收不到核验短信怎么办']) {
      await engine.handle({ userId: 'un-1', text, timestamp: at, channel: 't' });
    }
    // Records are appended in the background (batched): wait until both questions are on disk.
    let top = await log.top(10);
    for (let i = 0; i < 100 && top.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      top = await log.top(10);
    }
    expect(top[0]).toMatchObject({ text: '怎么开发票 电话138****5678', count: 2 });
    expect(top.map((t) => t.text)).toContain('今天天气怎么样');
    expect(top.map((t) => t.text)).not.toContain('收不到核验短信怎么办');
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/13812345678/);
  });
});
