import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONVERSATION_INTENTS, FALLBACK, KNOWLEDGE_INTENTS } from '../../src/core/intent-ids';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { INTENTS_DIR, sharedKb } from '../helpers';

const kb = sharedKb();
const SEED = /^00[0-4]( §[\d.]+[a-z]?)?$/;

describe('intents/ data', () => {
  it.each([...KNOWLEDGE_INTENTS])('%s has ≥15 variants per language and a sourced bilingual answer', (id) => {
    const def = kb.intents.get(id)!;
    expect(def.kind).toBe('knowledge');
    expect(def.utterances.zh.length).toBeGreaterThanOrEqual(15);
    expect(def.utterances.en.length).toBeGreaterThanOrEqual(15);
    expect(def.answer.facts.length).toBeGreaterThan(0);
    for (const fact of def.answer.facts) {
      expect(fact.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(fact.en).toMatch(/[a-z]/i);
      for (const s of fact.source.split(';')) expect(s.trim()).toMatch(SEED);
    }
  });

  it.each([...CONVERSATION_INTENTS])('%s has variants and an answer in both languages', (id) => {
    const def = kb.intents.get(id)!;
    expect(def.utterances.zh.length).toBeGreaterThan(0);
    expect(def.utterances.en.length).toBeGreaterThan(0);
    expect(def.answer.zh ?? def.answer.facts[0]?.zh).toBeTruthy();
    expect(def.answer.en ?? def.answer.facts[0]?.en).toBeTruthy();
  });

  it('has out-of-scope examples for fallback in both languages', () => {
    const def = kb.intents.get(FALLBACK)!;
    expect(def.utterances.zh.length).toBeGreaterThanOrEqual(20);
    expect(def.utterances.en.length).toBeGreaterThanOrEqual(20);
  });

  it('never trains two intents on the same sentence', () => {
    const seen = new Map<string, string>();
    for (const def of kb.intents.values()) {
      for (const u of [...def.utterances.zh, ...def.utterances.en]) {
        const key = u.toLowerCase().replace(/[\s\p{P}]/gu, '');
        const other = seen.get(key);
        if (other && other !== def.id) throw new Error(`"${u}" is in ${other} and ${def.id}`);
        seen.set(key, def.id);
      }
    }
  });

  it('keeps the error strings the spec names as patterns', () => {
    const patterns = [...kb.intents.values()].flatMap((d) => d.patterns.map((p) => [p, d.id]));
    const owner = (needle: string) => patterns.find(([p]) => p.includes(needle))?.[1];
    expect(owner('该条验证库里找不到记录')).toBe('resend.not_found');
    expect(owner('暂无待短信核验的备案申请')).toBe('resend.no_pending');
    expect(owner('请联系接入商查询核验结果')).toBe('verify.attempts_exhausted');
    expect(owner('请等待其他核验人进行短信核验')).toBe('verify.waiting_other');
    expect(owner('请您重新验证')).toBe('verify.info_mismatch');
  });
});

describe('loadKnowledgeBase', () => {
  const copy = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-'));
    for (const f of fs.readdirSync(INTENTS_DIR)) fs.copyFileSync(path.join(INTENTS_DIR, f), path.join(dir, f));
    return dir;
  };

  it('refuses a folder that lacks an intent of the contract', () => {
    const dir = copy();
    fs.rmSync(path.join(dir, 'sms.recipient.yaml'));
    expect(() => loadKnowledgeBase(dir)).toThrow(/sms\.recipient/);
  });

  it('names the file and field of a schema error', () => {
    const dir = copy();
    fs.writeFileSync(path.join(dir, 'chat.thanks.yaml'), 'id: chat.thanks\nkind: knowledge\n');
    expect(() => loadKnowledgeBase(dir)).toThrow(/chat\.thanks\.yaml: .*question/);
  });

  it('picks up a new variant with no code change', () => {
    const dir = copy();
    const file = path.join(dir, 'chat.thanks.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/utterances:\n\s{2}zh:\n/, 'utterances:\n  zh:\n    - 多谢老铁帮大忙了\n'));
    expect(loadKnowledgeBase(dir).intents.get('chat.thanks')!.utterances.zh).toContain('多谢老铁帮大忙了');
  });
});
