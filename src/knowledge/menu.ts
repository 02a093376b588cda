import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { KnowledgeBase } from './knowledge-base';

const menuSchema = z.record(z.string().min(1).max(128), z.string());

/**
 * intents/menu.yaml: custom-menu EventKeys and the intent each asks about, as that intent's question
 * in both languages. Throws at start-up on an intent the knowledge base lacks; no file, no menu.
 */
export function loadMenu(dir: string, kb: KnowledgeBase): Map<string, { intent: string; question: { zh: string; en: string } }> {
  const file = path.join(dir, 'menu.yaml');
  const out = new Map<string, { intent: string; question: { zh: string; en: string } }>();
  if (!fs.existsSync(file)) return out;
  const parsed = menuSchema.safeParse(parse(fs.readFileSync(file, 'utf8')) ?? {});
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [key, intent] of Object.entries(parsed.data)) {
    const def = kb.intents.get(intent);
    if (!def) throw new Error(`${file}: ${key}: no intent "${intent}" in ${dir}`);
    out.set(key, { intent, question: def.question });
  }
  return out;
}
