import { simplifiedToTraditional } from '../nlu/chinese-script';
import type { IntentDef, KnowledgeBase } from '../knowledge/knowledge-base';
import type { Lang, Platform, Suggestion } from './types';

type Base = 'zh' | 'en';
// A fact written as "WeChat: …" / "抖音小程序：…" already says whose it is: no second label.
const NAMES_PLATFORM = /^(WeChat|Douyin|Tencent Cloud|微信|抖音|腾讯云)[^:：]{0,24}[:：]/;
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

/**
 * An intent's answer in the user's base language (zh or en; localize() makes zh-Hant): the lead, then one line per fact. Platform-specific
 * facts are shown only for the user's platform, or all of them labelled when it is unknown.
 */
export function renderAnswer(kb: KnowledgeBase, def: IntentDef, ctx: RenderContext): { text: string; sources: string[] } {
  const base = baseOf(ctx.lang);
  const lines: string[] = [];
  const sources = new Set<string>();
  const lead = def.answer[base];
  if (lead) lines.push(lead.trim());
  for (const fact of def.answer.facts) {
    if (fact.platform && ctx.platform && fact.platform !== ctx.platform) continue;
    let line = fact[base].trim();
    if (fact.platform && !ctx.platform && !NAMES_PLATFORM.test(line)) line = label(kb.text[`platform_${fact.platform}`][base], line, base);
    if (fact.note) line = label(kb.text.note[base], line, base);
    lines.push(`• ${line}`);
    for (const s of fact.source.split(';')) sources.add(s.trim());
  }
  return { text: lines.join('\n'), sources: [...sources] };
}

function label(name: string, line: string, base: Base): string {
  return base === 'zh' ? `【${name}】${line}` : `${name}: ${line}`;
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
