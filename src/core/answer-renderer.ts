import { simplifiedToTraditional } from '../nlu/chinese-script';
import { ruleValues, type IntentDef, type KnowledgeBase } from '../knowledge/knowledge-base';
import type { Lang, Platform, Suggestion } from './types';

type Base = 'zh' | 'en';
export const baseOf = (lang: Lang): Base => (lang === 'en' ? 'en' : 'zh');

export interface RenderContext {
  lang: Lang;
  variant: 'tw' | 'hk';
  platform: Platform | null;
}

// Replies are mostly the same few hundred knowledge answers, and converting one costs more than the
// rest of the turn: converted texts are remembered. Bounded; emptied when full (a rare, cheap event).
const LOCALIZED_MAX = 2000;
const localized = new Map<string, string>();

/** Put a Simplified or English text into the user's language (zh-Hant converted, TW or HK conventions). */
export function localize(text: string, ctx: Pick<RenderContext, 'lang' | 'variant'>): string {
  if (ctx.lang !== 'zh-Hant') return text;
  const key = `${ctx.variant}:${text}`;
  let out = localized.get(key);
  if (out === undefined) {
    out = simplifiedToTraditional(text, ctx.variant);
    if (localized.size >= LOCALIZED_MAX) localized.clear();
    localized.set(key, out);
  }
  return out;
}

// The rule values of a knowledge base, worked out once per (immutable) rules object instead of on every line rendered.
const ruleValuesOf = new WeakMap<KnowledgeBase['rules'], Record<string, string>>();

/** `{rules.attempts}` and the like filled from intents/rules.yaml, where each value is written once (checked at load). */
export function fillRules(kb: KnowledgeBase, text: string): string {
  if (!text.includes('{rules.')) return text;
  let values = ruleValuesOf.get(kb.rules);
  if (!values) {
    values = ruleValues(kb.rules);
    ruleValuesOf.set(kb.rules, values);
  }
  const found = values;
  return text.replace(/\{rules\.(\w+)\}/g, (whole, name: string) => found[name] ?? whole);
}

/**
 * An intent's answer in the user's base language (zh or en; localize() makes zh-Hant): the lead,
 * then one line per fact. With a platform known, only the common facts and that platform's; where
 * the seeds have facts for other platforms but none for it, a line says so and where its own
 * documents are. With no platform known, the common facts and one short question which platform,
 * instead of every platform's buttons and paths (which would not fit one message either).
 */
export function renderAnswer(
  kb: KnowledgeBase,
  def: IntentDef,
  ctx: RenderContext,
  /** false when the reply already asks for the platform (the recipient flow). */
  askPlatform = true,
): { text: string; sources: string[]; askedPlatform: boolean } {
  const base = baseOf(ctx.lang);
  let askedPlatform = false;
  const lines: string[] = [];
  const sources = new Set<string>();
  const lead = def.answer[base];
  if (lead) lines.push(fillRules(kb, lead.trim()));
  const specific = def.answer.facts.filter((f) => f.platform);
  for (const fact of def.answer.facts) {
    if (fact.platform && fact.platform !== ctx.platform) continue;
    let line = fillRules(kb, fact[base].trim());
    if (fact.note) line = label(kb.text.note[base], line, base);
    lines.push(`• ${line}`);
    for (const s of fact.source.split(';')) sources.add(s.trim());
  }
  if (specific.length && !ctx.platform) {
    if (askPlatform) {
      lines.push(kb.text.which_platform[base]);
      askedPlatform = true;
    }
  } else if (specific.length && ctx.platform && !specific.some((f) => f.platform === ctx.platform)) {
    const p = kb.platforms[ctx.platform];
    lines.push(kb.text.no_platform_fact[base].replace('{platform}', p.name[base]).replace('{docs}', p.docs[base]));
    sources.add(p.source.split(';')[0].trim());
  }
  return { text: lines.join('\n'), sources: [...sources], askedPlatform };
}

function label(name: string, line: string, base: Base): string {
  return base === 'zh' ? `${name}：${line}` : `${name}: ${line}`;
}

export function suggestionsFor(kb: KnowledgeBase, intents: string[], ctx: RenderContext): Suggestion[] {
  const base = baseOf(ctx.lang);
  return intents
    .map((id) => kb.intents.get(id))
    .filter((d): d is IntentDef => d !== undefined)
    .map((d) => ({ intent: d.id, question: d.question[base] }));
}

/** A did-you-mean list as text (base language), for channels that show only the reply text. */
export function renderDidYouMean(kb: KnowledgeBase, suggestions: Suggestion[], ctx: RenderContext): string {
  if (!suggestions.length) return '';
  const base = baseOf(ctx.lang);
  const items = suggestions.map((s, i) => `${i + 1}. ${s.question}`);
  return [kb.text.did_you_mean[base], ...items, kb.text.reply_with_number[base]].join('\n');
}
