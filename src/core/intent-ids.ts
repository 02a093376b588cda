// The public contract of ../shared/spec/intents.md: the JSON API returns these ids and the
// evaluation sets are labelled with them. intents/ must hold one file for each.
export const KNOWLEDGE_INTENTS = [
  'sms.not_received',
  'sms.arrival_time',
  'sms.recipient',
  'sms.emergency_contact',
  'verify.how_to',
  'verify.link_broken',
  'verify.validity',
  'verify.attempt_limit',
  'verify.info_mismatch',
  'verify.attempts_exhausted',
  'verify.failed_returned',
  'verify.waiting_other',
  'verify.success_check',
  'resend.how_to',
  'resend.no_pending',
  'resend.not_found',
  'phone.changed',
  'phone.supported_prefixes',
  'filing.types',
  'filing.process',
  'filing.materials',
  'filing.review_time',
  'filing.status_delay',
  'filing.how_to_start',
  'filing.face_verification',
] as const;

export const CONVERSATION_INTENTS = [
  'chat.greeting',
  'chat.thanks',
  'chat.goodbye',
  'chat.human',
  'chat.help',
  'state.report',
  'state.attempt',
  'state.query',
  'reminder.opt_in',
  'reminder.opt_out',
] as const;

export const FALLBACK = 'fallback';
export const ALL_INTENTS: readonly string[] = [...KNOWLEDGE_INTENTS, ...CONVERSATION_INTENTS];

/** Intents whose replies the handlers compose from intents/_dialogue.yaml; their files hold no answer. */
export const HANDLER_INTENTS: readonly string[] = ['state.report', 'state.attempt', 'state.query'];
