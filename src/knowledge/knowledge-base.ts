import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ALL_INTENTS, FALLBACK, HANDLER_INTENTS } from '../core/intent-ids';
import { requiredTextKeys } from './text-keys';
import { FILING_TYPES } from '../state/conversation-state';
import { PLATFORMS } from '../core/types';
import { parseYaml } from './parsed-yaml-cache';

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
    // Absent for the intents whose replies the handlers compose from _dialogue.yaml (state.*).
    answer: z
      .object({ zh: z.string().optional(), en: z.string().optional(), facts: z.array(factSchema).default([]) })
      .strict()
      .default({ facts: [] }),
  })
  .strict();

export type IntentDef = z.infer<typeof intentSchema>;
export type Fact = z.infer<typeof factSchema>;

export type Bilingual = z.infer<typeof bilingual>;
const textSchema = z.record(z.string(), bilingual);

const roleSchema = z.enum(['subject', 'app']);
export type Role = z.infer<typeof roleSchema>;
const ruleSchema = z
  .object({
    when: z.object({ filingType: z.enum(FILING_TYPES), subject: z.boolean().optional(), app: z.boolean().optional() }).strict(),
    verified: z.array(roleSchema),
    note: factSchema.omit({ platform: true, note: true }).optional(),
  })
  .strict();
export type DecisionRule = z.infer<typeof ruleSchema>;
const tablesSchema = z
  .object({
    roles: z.object({ subject: bilingual, app: bilingual, app_website: bilingual }).strict(),
    tables: z.record(z.enum(PLATFORMS), z.object({ source: z.string(), rows: z.array(ruleSchema) }).strict()),
  })
  .strict();
export type DecisionTables = z.infer<typeof tablesSchema>;
const platformSchema = z
  .object({
    source: z.string().min(1),
    name: bilingual,
    /** Where the platform documents what the seeds don't say for it. */
    docs: bilingual,
    mentions: z.object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).strict(),
    weak: z.object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).strict(),
    roles: z.object({ subject: bilingual, app: bilingual }).strict(),
    sms_after_notice: z
      .object({ min: z.number().positive(), max: z.number().positive(), unit: z.enum(['minute', 'hour']), source: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export type PlatformDef = z.infer<typeof platformSchema>;
const platformsSchema = z
  .object({
    platforms: z.record(z.enum(PLATFORMS), platformSchema),
    other_platforms: z.object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).strict(),
  })
  .strict();
export type PlatformsFile = z.infer<typeof platformsSchema>;

const ruleValue = z.object({ value: z.union([z.number(), z.string().min(1)]), source: z.string().min(1) }).strict();
const rulesSchema = z
  .object({
    attempts: ruleValue.extend({ value: z.number().int().positive() }),
    validity_hours: ruleValue.extend({ value: z.number().positive() }),
    auto_resend_hours: ruleValue.extend({ value: z.number().positive() }),
    status_recheck_hours: ruleValue.extend({ value: z.number().positive() }),
    platform_review_days: ruleValue,
    bureau_review_days: ruleValue,
  })
  .strict();
export type Rules = z.infer<typeof rulesSchema>;

const wordsSchema = z.object({ zh: z.array(z.string().min(1)), en: z.array(z.string().min(1)) }).strict();
const scopeSchema = z
  .object({
    in_domain: wordsSchema,
    out_of_scope: z.record(z.string(), wordsSchema),
    domain_words: wordsSchema,
    other_reviews: z.object({ review: wordsSchema, filing: wordsSchema }).strict(),
  })
  .strict();
export type Scope = z.infer<typeof scopeSchema>;

const prefixesSchema = z.object({ source: z.string(), supported: z.array(z.number().int().min(100).max(199)).min(1) }).strict();

export interface KnowledgeBase {
  intents: Map<string, IntentDef>;
  /** Sentences and labels the engine composes replies from (intents/_dialogue.yaml). */
  text: Record<string, Bilingual>;
  /** Who gets the verification SMS (intents/decision-tables.yaml). */
  decisionTables: DecisionTables;
  /** Mobile segments listed as able to receive the SMS (intents/phone-prefixes.yaml). */
  phonePrefixes: { source: string; supported: Set<number> };
  /** The platforms, how users name them, their roles (intents/platforms.yaml). */
  platforms: PlatformsFile['platforms'];
  otherPlatforms: PlatformsFile['other_platforms'];
  /** Evidence that a message is about this domain or about something else (intents/scope.yaml). */
  scope: Scope;
  /** The numbers of the rules with their sources (intents/rules.yaml). */
  rules: Rules;
  /** Path of the jieba user dictionary kept beside the intents. */
  userDictPath: string;
}

/** Files of intents/ that are not intents. */
const DATA_FILES = new Set(['menu.yaml', 'decision-tables.yaml', 'phone-prefixes.yaml', 'platforms.yaml', 'rules.yaml', 'scope.yaml']);

function parseFile<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')));
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file}: ${why}`);
  }
  return parsed.data;
}

const ordinalSuffix = (n: number) => (n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'));

/** What `{rules.<name>}` can stand for: the values of rules.yaml, and the verification that returns the filing. */
export function ruleValues(rules: Rules): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, rule] of Object.entries(rules)) values[name] = String(rule.value);
  const returned = rules.attempts.value + 1;
  values.returned_on_attempt = String(returned);
  values.returned_on_attempt_ordinal = `${returned}${ordinalSuffix(returned)}`;
  return values;
}

/**
 * Like Rasa's `data validate`: every sentence the code can ask for exists in both languages, and
 * every `{rules.x}` placeholder names a rule, or start-up fails naming the file and key.
 */
function checkTexts(intents: Map<string, IntentDef>, text: Record<string, Bilingual>, platforms: PlatformsFile, rules: Rules): void {
  const units = [...new Set(Object.values(platforms.platforms).flatMap((p) => (p.sms_after_notice ? [p.sms_after_notice.unit] : [])))];
  const missing = requiredTextKeys({ platforms: Object.keys(platforms.platforms), smsWindowUnits: units }).filter(({ key }) => !text[key]);
  if (missing.length) throw new Error(`_dialogue.yaml: missing ${missing.map(({ key, why }) => `${key} (${why})`).join(', ')}`);
  const values = ruleValues(rules);
  const unknownRule = (s: string | undefined) => [...(s ?? '').matchAll(/\{rules\.(\w+)\}/g)].map((m) => m[1]).find((n) => !(n in values));
  for (const [key, entry] of Object.entries(text)) {
    const bad = unknownRule(entry.zh) ?? unknownRule(entry.en);
    if (bad) throw new Error(`_dialogue.yaml: ${key} names an unknown rule {rules.${bad}}`);
  }
  for (const def of intents.values()) {
    for (const [where, s] of [
      ['answer', def.answer.zh],
      ['answer', def.answer.en],
      ...def.answer.facts.flatMap((f, i) => [
        [`answer.facts.${i}`, f.zh],
        [`answer.facts.${i}`, f.en],
      ]),
    ] as Array<[string, string | undefined]>) {
      const bad = unknownRule(s);
      if (bad) throw new Error(`${def.id}.yaml: ${where} names an unknown rule {rules.${bad}}`);
    }
  }
}

/** Load and validate every intents/*.yaml; a broken file stops start-up with the file named. */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  const intents = new Map<string, IntentDef>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('_') && !DATA_FILES.has(f))
    .sort()) {
    const def = parseFile(dir, file, intentSchema);
    if (`${def.id}.yaml` !== file) throw new Error(`${file}: id ${def.id} does not match the file name`);
    intents.set(def.id, def);
  }
  const missing = [...ALL_INTENTS, FALLBACK].filter((id) => !intents.has(id));
  if (missing.length) throw new Error(`intents missing from ${dir}: ${missing.join(', ')}`);
  for (const def of intents.values()) {
    const unknown = def.related.filter((id) => !intents.has(id));
    if (unknown.length) throw new Error(`${def.id}: related names unknown intents ${unknown.join(', ')}`);
    if (def.kind === 'knowledge' && def.answer.facts.length === 0) throw new Error(`${def.id}: a knowledge intent needs facts`);
    const hasAnswer = Boolean(def.answer.zh || def.answer.en || def.answer.facts.length);
    if (HANDLER_INTENTS.includes(def.id) && hasAnswer)
      throw new Error(`${def.id}.yaml: answer is never shown (its replies are composed from _dialogue.yaml); remove it`);
    if (!HANDLER_INTENTS.includes(def.id) && !(def.answer.zh && def.answer.en) && !def.answer.facts.length)
      throw new Error(`${def.id}.yaml: answer needs zh and en text or facts`);
  }
  const text = parseFile(dir, '_dialogue.yaml', textSchema);
  const decisionTables = parseFile(dir, 'decision-tables.yaml', tablesSchema);
  const prefixes = parseFile(dir, 'phone-prefixes.yaml', prefixesSchema);
  const platformsFile = parseFile(dir, 'platforms.yaml', platformsSchema);
  const rules = parseFile(dir, 'rules.yaml', rulesSchema);
  checkTexts(intents, text, platformsFile, rules);
  return {
    intents,
    text,
    decisionTables,
    phonePrefixes: { source: prefixes.source, supported: new Set(prefixes.supported) },
    platforms: platformsFile.platforms,
    otherPlatforms: platformsFile.other_platforms,
    rules,
    scope: parseFile(dir, 'scope.yaml', scopeSchema),
    userDictPath: path.join(dir, 'jieba-user-dict.txt'),
  };
}
