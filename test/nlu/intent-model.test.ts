import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KnowledgeBase } from '../../src/knowledge/knowledge-base';
import { buildModelArtefact, DEFAULT_NLU_OPTIONS, Nlu } from '../../src/nlu/nlu';
import { sharedKb } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** The knowledge base with one more English utterance for an intent, as an edit of intents/ would give. */
function withUtterance(kb: KnowledgeBase, intent: string, text: string): KnowledgeBase {
  const intents = new Map(kb.intents);
  const def = intents.get(intent)!;
  intents.set(intent, { ...def, utterances: { ...def.utterances, en: [...def.utterances.en, text] } });
  return { ...kb, intents };
}

describe('intent model artefact', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beian-model-'));
  const modelPath = path.join(dir, 'intent-model.json');
  const kb = sharedKb();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is loaded instead of training when it was built from the same intents, and understands the same', () => {
    buildModelArtefact(kb, modelPath);
    const loaded = new Nlu(kb, { ...DEFAULT_NLU_OPTIONS, modelPath });
    const trained = new Nlu(kb, { ...DEFAULT_NLU_OPTIONS, modelPath: false });
    expect(loaded.modelSource).toBe('artefact');
    expect(trained.modelSource).toBe('trained');
    for (const text of ['收不到核验短信怎么办', 'how long is the code valid', '驗證碼發給誰', '又输错了', 'hello there']) {
      expect(loaded.parse(text, new Date(0))).toEqual(trained.parse(text, new Date(0)));
    }
  });

  it('is not used once intents/ changed since the build: the server retrains and learns the change', () => {
    buildModelArtefact(kb, modelPath);
    const changed = withUtterance(kb, 'chat.thanks', 'flarble wozzle');
    const stale = new Nlu(changed, { ...DEFAULT_NLU_OPTIONS, modelPath });
    expect(stale.modelSource).toBe('trained');
    expect(stale.parse('flarble wozzle').intent).toBe('chat.thanks');
    // The artefact itself still answers for the unchanged intents/.
    expect(new Nlu(kb, { ...DEFAULT_NLU_OPTIONS, modelPath }).modelSource).toBe('artefact');
  });

  it('is not used when the jieba user dictionary changed, nor when the file is damaged', () => {
    buildModelArtefact(kb, modelPath);
    const dict = path.join(dir, 'jieba-user-dict.txt');
    fs.writeFileSync(dict, `${fs.readFileSync(kb.userDictPath, 'utf8')}\n核验码短信 100 n\n`);
    expect(new Nlu({ ...kb, userDictPath: dict }, { ...DEFAULT_NLU_OPTIONS, modelPath }).modelSource).toBe('trained');

    fs.writeFileSync(modelPath, fs.readFileSync(modelPath, 'utf8').slice(0, 1000));
    const nlu = new Nlu(kb, { ...DEFAULT_NLU_OPTIONS, modelPath });
    expect(nlu.modelSource).toBe('trained');
    expect(nlu.parse('收不到核验短信怎么办').intent).toBe('sms.not_received');
  });
});

describe('npm run training-data', () => {
  it('prints every utterance the classifier learns from as a JSON line {text, lang, intent}', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'training-data.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    });
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; lang: string; intent: string });
    const kb = sharedKb();
    const expected = [...kb.intents.values()].flatMap((d) => [
      ...d.utterances.zh.map((text) => ({ text, lang: 'zh', intent: d.id })),
      ...d.utterances.en.map((text) => ({ text, lang: 'en', intent: d.id })),
    ]);
    expect(rows).toEqual(expected);
    expect(new Set(rows.map((r) => r.intent))).toEqual(new Set(kb.intents.keys()));
  });
});
