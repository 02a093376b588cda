import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ALL_INTENTS, FALLBACK } from './intent-ids';
import { PLATFORMS } from './types';

const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

const factSchema = z
  .object({
    source: z.string().min(1),
    platform: z.enum(PLATFORMS).optional(),
    note: z.boolean().optional(),
    zh: z.string().min(1),
    en: z.string().min(1),
  })
  .strict();

export const intentSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['knowledge', 'conversation', 'fallback']),
    question: bilingual,
    related: z.array(z.string()).default([]),
    patterns: z.array(z.string().min(4)).default([]),
    utterances: z.object({ zh: z.array(z.string().min(1)).min(1), en: z.array(z.string().min(1)).min(1) }).strict(),
    answer: z
      .object({ zh: z.string().optional(), en: z.string().optional(), facts: z.array(factSchema).default([]) })
      .strict(),
  })
  .strict();

export type IntentDef = z.infer<typeof intentSchema>;
export type Fact = z.infer<typeof factSchema>;

const uiSchema = z
  .object({
    platform: z.object({ wechat: bilingual, douyin: bilingual, tencent_cloud: bilingual }).strict(),
    note: bilingual,
    did_you_mean: bilingual,
    reply_with_number: bilingual,
  })
  .strict();
export type UiText = z.infer<typeof uiSchema>;

export interface KnowledgeBase {
  intents: Map<string, IntentDef>;
  /** Fixed phrases around answers (intents/_ui.yaml). */
  ui: UiText;
  /** Path of the jieba user dictionary kept beside the intents. */
  userDictPath: string;
}

/** Load and validate every intents/*.yaml; a broken file stops start-up with the file named. */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  const intents = new Map<string, IntentDef>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).sort()) {
    const full = path.join(dir, file);
    const parsed = intentSchema.safeParse(YAML.parse(fs.readFileSync(full, 'utf8')));
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${file}: ${why}`);
    }
    const def = parsed.data;
    if (`${def.id}.yaml` !== file) throw new Error(`${file}: id ${def.id} does not match the file name`);
    intents.set(def.id, def);
  }
  const missing = [...ALL_INTENTS, FALLBACK].filter((id) => !intents.has(id));
  if (missing.length) throw new Error(`intents missing from ${dir}: ${missing.join(', ')}`);
  for (const def of intents.values()) {
    const unknown = def.related.filter((id) => !intents.has(id));
    if (unknown.length) throw new Error(`${def.id}: related names unknown intents ${unknown.join(', ')}`);
    if (def.kind === 'knowledge' && def.answer.facts.length === 0) throw new Error(`${def.id}: a knowledge intent needs facts`);
  }
  const ui = uiSchema.parse(YAML.parse(fs.readFileSync(path.join(dir, '_ui.yaml'), 'utf8')));
  return { intents, ui, userDictPath: path.join(dir, 'jieba-user-dict.txt') };
}
