import { createApp } from '../app';
import { createBackends } from '../bot';
import { loadConfig } from '../config';
import type { DialogueEngine } from '../core/dialogue-engine';
import type { Message } from '../core/types';
import type { ConversationState } from '../state/conversation-state';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { Metrics } from '../metrics';
import { newConversationState, reviveState, toApiState } from '../state/conversation-state';

// The bot's HTTP stack (security headers, request ids, metrics, auth, rate limit, validation, the
// memory store) with an engine that does no NLU: it tells `npm run bench` how much of the full
// bot's cost is the stack and how much is understanding the message.
const config = loadConfig();
const backends = createBackends(config);
const reply = { text: 'ok', intent: 'fallback', confidence: 1, lang: 'en' as const, suggestions: [], sources: [] };
// The rules of intents/ (the API's state view shows deadlines and tries left), without any NLU.
const kbRules = loadKnowledgeBase(config.INTENTS_DIR).rules;
const rules = {
  attempts: kbRules.attempts.value,
  validityMs: kbRules.validity_hours.value * 3_600_000,
  autoResendMs: kbRules.auto_resend_hours.value * 3_600_000,
};
const engine = {
  ready: true,
  apiState: (s: ConversationState) => toApiState(s, rules),
  revive: (raw: unknown, now: Date) => reviveState(raw, now),
  bilingual: () => '',
  // Handoff is off here, as in the default configuration: no agent view.
  handoffView: () => undefined,
  handle: (message: Message) =>
    backends.store
      .update(message.userId, (s) => ({ ...(s ?? newConversationState(message.timestamp)), updatedAt: message.timestamp.toISOString() }))
      .then((state) => ({ reply, state })),
} as unknown as DialogueEngine;
const app = createApp({ config, engine: () => engine, store: backends.store, rateLimiter: backends.rateLimiter, metrics: new Metrics() });
app.listen(config.PORT, config.HOST, () => process.stdout.write('listening\n'));
