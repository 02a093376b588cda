import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONVERSATION_INTENTS, FALLBACK, HANDLER_INTENTS, KNOWLEDGE_INTENTS } from '../../src/core/intent-ids';
import { renderAnswer } from '../../src/core/answer-renderer';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { requiredTextKeys } from '../../src/knowledge/text-keys';
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

  it.each(CONVERSATION_INTENTS.filter((id) => !HANDLER_INTENTS.includes(id)))('%s has variants and an answer in both languages', (id) => {
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

  it.each([
    ['resubmit_douyin', /_dialogue\.yaml: missing resubmit_douyin \(platform douyin\)/],
    ['filing_cancel_access', /_dialogue\.yaml: missing filing_cancel_access \(filing type cancel_access\)/],
    ['stage_rejected', /_dialogue\.yaml: missing stage_rejected/],
    ['sms_overdue_hour', /_dialogue\.yaml: missing sms_overdue_hour/],
    ['which_platform', /_dialogue\.yaml: missing which_platform/],
  ])('fails at start-up naming _dialogue.yaml when %s, which the engine can ask for, is missing', (key, message) => {
    const dir = copy();
    const file = path.join(dir, '_dialogue.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(new RegExp(`^${key}:.*$`, 'm'), ''));
    expect(() => loadKnowledgeBase(dir)).toThrow(message);
  });

  it('fails at start-up when a sentence lacks one language', () => {
    const dir = copy();
    const file = path.join(dir, '_dialogue.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^and: .*$/m, 'and: { zh: 和 }'));
    expect(() => loadKnowledgeBase(dir)).toThrow(/_dialogue\.yaml: and\.en/);
  });

  it('fails at start-up naming the file when an answer names a rule rules.yaml lacks', () => {
    const dir = copy();
    const file = path.join(dir, 'verify.validity.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{rules.validity_hours} hours from', '{rules.validity_days} days from'));
    expect(() => loadKnowledgeBase(dir)).toThrow(/verify\.validity\.yaml: answer names an unknown rule \{rules\.validity_days\}/);
  });

  it('refuses an answer block the engine would never show', () => {
    const dir = copy();
    fs.appendFileSync(path.join(dir, 'state.query.yaml'), 'answer:\n  zh: 规则如下\n  en: The rules\n');
    expect(() => loadKnowledgeBase(dir)).toThrow(/state\.query\.yaml: answer is never shown/);
  });

  it('changes a rule value everywhere from rules.yaml alone', () => {
    const dir = copy();
    const file = path.join(dir, 'rules.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/attempts: \{ value: 5,/, 'attempts: { value: 4,'));
    const changed = loadKnowledgeBase(dir);
    const def = changed.intents.get('verify.attempt_limit')!;
    const ctx = { lang: 'en' as const, variant: 'tw' as const, platform: null };
    const text = renderAnswer(changed, def, ctx).text;
    expect(text).toMatch(/you have 4 tries/);
    expect(text).toMatch(/the 5th verification/);
    expect(text).not.toMatch(/\b6th\b|5 tries/);
  });

  it('has no text key the source code asks for that the registry misses', () => {
    const src = path.resolve(__dirname, '..', '..', 'src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const asked = new Set<string>();
    for (const f of files) {
      const code = fs.readFileSync(path.join(src, f), 'utf8');
      for (const m of code.matchAll(/(?:phrase|say|bilingual)\((?:turn, |\{[^}]{0,60}\}, )?'([a-z_]+)'/g)) asked.add(m[1]);
      for (const m of code.matchAll(/kb\.text\.([a-z_]+)/g)) asked.add(m[1]);
    }
    const required = new Set(requiredTextKeys({ platforms: Object.keys(kb.platforms), smsWindowUnits: ['minute', 'hour'] }).map((k) => k.key));
    expect([...asked].filter((k) => !required.has(k))).toEqual([]);
  });
});
