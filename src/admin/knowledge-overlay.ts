import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';
import YAML from 'yaml';
import { z } from 'zod';
import { FALLBACK } from '../core/intent-ids';
import type { IntentDef, KnowledgeBase } from '../knowledge/knowledge-base';
import { detectLanguage } from '../nlu/language';
import { normalize } from '../nlu/normalizer';
import { mask } from '../privacy/mask';

/** A question taught from the console: a variant of an intent, or of `fallback` (out of scope). */
export interface TaughtVariant {
  text: string;
  intent: string;
  lang: 'zh' | 'en';
  at: string;
}

/**
 * What maintainers added on top of intents/: reviewable data, merged into intents/ by a pull
 * request (GET /api/v1/admin/overlay.yaml), never code.
 */
export interface KnowledgeOverlay {
  variants: TaughtVariant[];
  /** Questions dismissed from the inbox (neither taught nor out of scope). */
  dismissed: Array<{ text: string; at: string }>;
}

export const MAX_TAUGHT_CHARS = 300;

const overlaySchema = z
  .object({
    variants: z
      .array(
        z
          .object({
            text: z.string().min(1).max(MAX_TAUGHT_CHARS),
            intent: z.string().min(1),
            lang: z.enum(['zh', 'en']),
            at: z.string(),
          })
          .strict(),
      )
      .default([]),
    dismissed: z.array(z.object({ text: z.string().min(1).max(MAX_TAUGHT_CHARS), at: z.string() }).strict()).default([]),
  })
  .strict();

export const emptyOverlay = (): KnowledgeOverlay => ({ variants: [], dismissed: [] });

/** The key two forms of one question share: masked, Simplified, lower case, no punctuation or extra spaces. */
export const questionKey = (text: string): string => normalize(mask(text)).slice(0, MAX_TAUGHT_CHARS * 2);

/** Parse stored overlay text (YAML or JSON); a broken overlay names what is wrong. */
export function parseOverlay(text: string, where: string): KnowledgeOverlay {
  let raw: unknown;
  try {
    raw = text.trim() ? YAML.parse(text) : {};
  } catch (err) {
    throw new Error(`${where}: not valid YAML (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const parsed = overlaySchema.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const HEADER = '# Knowledge overlay: questions taught from the console (masked). Reviewed, then merged into intents/.\n';

export function overlayToYaml(overlay: KnowledgeOverlay): string {
  return HEADER + YAML.stringify(overlay);
}

/**
 * The overlay as a pull request would add it to intents/: for each intent file, the utterances to
 * append per language.
 */
export function exportOverlay(overlay: KnowledgeOverlay): string {
  const byIntent: Record<string, { utterances: { zh?: string[]; en?: string[] } }> = {};
  for (const v of overlay.variants) {
    const u = (byIntent[`intents/${v.intent}.yaml`] ??= { utterances: {} }).utterances;
    (u[v.lang] ??= []).push(v.text);
  }
  return `# Utterances taught from the console, to append to each file's utterances.\n${YAML.stringify(byIntent)}`;
}

export class OverlayValidationError extends Error {}

/**
 * Checks a teach request against the knowledge base and returns the variant to store: the text
 * masked (no personal data is ever written), its language detected.
 */
export function validateTeach(kb: KnowledgeBase, text: unknown, intent: unknown, now: Date): TaughtVariant {
  if (typeof text !== 'string' || !text.trim()) throw new OverlayValidationError('text: a non-empty string is required');
  if ([...text].length > MAX_TAUGHT_CHARS) throw new OverlayValidationError(`text: at most ${MAX_TAUGHT_CHARS} characters`);
  if (typeof intent !== 'string' || !kb.intents.has(intent))
    throw new OverlayValidationError(`intent: must be an intent id of intents/ or "${FALLBACK}" (out of scope)`);
  const masked = mask(text).trim().replace(/\s+/g, ' ');
  if (!normalize(masked)) throw new OverlayValidationError('text: has no words to learn from');
  return { text: masked, intent, lang: detectLanguage(masked).lang === 'en' ? 'en' : 'zh', at: now.toISOString() };
}

/** The overlay with one taught variant: a question taught again moves to its new intent. */
export function withVariant(overlay: KnowledgeOverlay, variant: TaughtVariant): KnowledgeOverlay {
  const key = questionKey(variant.text);
  return {
    variants: [...overlay.variants.filter((v) => questionKey(v.text) !== key), variant],
    dismissed: overlay.dismissed.filter((d) => questionKey(d.text) !== key),
  };
}

export function withDismissed(overlay: KnowledgeOverlay, text: string, now: Date): KnowledgeOverlay {
  const masked = mask(text).trim().replace(/\s+/g, ' ');
  const key = questionKey(masked);
  if (overlay.dismissed.some((d) => questionKey(d.text) === key)) return overlay;
  return { ...overlay, dismissed: [...overlay.dismissed, { text: masked, at: now.toISOString() }] };
}

/**
 * The knowledge base with the overlay's variants added to their intents' utterances. Entries that
 * no longer fit (an intent removed from intents/ since) are left out and reported.
 */
export function applyOverlay(kb: KnowledgeBase, overlay: KnowledgeOverlay): { kb: KnowledgeBase; issues: string[] } {
  const issues: string[] = [];
  const intents = new Map<string, IntentDef>();
  for (const [id, def] of kb.intents) intents.set(id, def);
  for (const v of overlay.variants) {
    const def = intents.get(v.intent);
    if (!def) {
      issues.push(`overlay: "${v.text}" names unknown intent ${v.intent} (skipped)`);
      continue;
    }
    if (def.utterances[v.lang].includes(v.text)) continue;
    intents.set(v.intent, { ...def, utterances: { ...def.utterances, [v.lang]: [...def.utterances[v.lang], v.text] } });
  }
  return { kb: { ...kb, intents }, issues };
}

/** Where the overlay lives: a YAML file (one instance, reviewable) or Redis (every instance). */
export interface OverlayStore {
  readonly where: string;
  load(): Promise<KnowledgeOverlay>;
  save(overlay: KnowledgeOverlay): Promise<void>;
}

export class FileOverlayStore implements OverlayStore {
  constructor(private readonly file: string) {}

  get where(): string {
    return this.file;
  }

  async load(): Promise<KnowledgeOverlay> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyOverlay();
      throw err;
    }
    return parseOverlay(text, this.file);
  }

  /** Written to a temporary file and renamed, so a reader never sees half a file. */
  async save(overlay: KnowledgeOverlay): Promise<void> {
    await fs.promises.mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, overlayToYaml(overlay));
    await fs.promises.rename(tmp, this.file);
  }
}

export class RedisOverlayStore implements OverlayStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'beian:knowledge:overlay',
  ) {}

  get where(): string {
    return `redis ${this.key}`;
  }

  async load(): Promise<KnowledgeOverlay> {
    const text = await this.redis.get(this.key);
    return text ? parseOverlay(text, this.where) : emptyOverlay();
  }

  async save(overlay: KnowledgeOverlay): Promise<void> {
    await this.redis.set(this.key, overlayToYaml(overlay));
  }
}
