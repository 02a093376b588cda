import { FILING_TYPES, HANDOFF_REASONS, STAGES } from '../state/conversation-state';

/**
 * Every sentence of intents/_dialogue.yaml the code can ask for, including the keys it builds from
 * data (per platform, filing type, stage, SMS-window unit). loadKnowledgeBase() refuses a folder
 * that lacks one, so a missing key fails at start-up, not in a user's conversation.
 * `platformOptional` keys are tried per platform and fall back to the general one.
 */
const FIXED = [
  // labels
  'and',
  'note',
  'did_you_mean',
  'reply_with_number',
  'menu_tap_or_ask',
  'which_platform',
  'no_platform_fact',
  'changes_subject',
  'changes_app',
  'changes_both',
  'changes_none',
  // who gets the SMS
  'ask_platform',
  'ask_filing_type',
  'ask_changes',
  'ask_again',
  'ask_again_unsure',
  'recipient_give_up',
  'recipient_answer',
  'recipient_both',
  'recipient_none',
  'recipient_no_rule',
  'recipient_tencent_cloud',
  'recipient_never_emergency',
  // stages, time and tries
  'noted',
  'report_ask_stage',
  'report_unclear',
  'next_platform_review',
  'next_sms_wait',
  'next_bureau_review',
  'next_approved',
  'next_rejected',
  'sms_received_at',
  'sms_how_to',
  'sms_auto_resend_upcoming',
  'sms_auto_resend_passed',
  'sms_window_closed',
  'attempts_count',
  'attempts_status',
  'attempts_rule',
  'attempts_last_warning',
  'attempts_exhausted',
  'attempts_none',
  'attempts_check_tip',
  'query_stage',
  'query_time_unknown',
  'query_unknown',
  // privacy, storage, channels
  'forgotten',
  'not_saved',
  'not_forgotten',
  'privacy_code',
  'privacy_id',
  'phone_supported',
  'phone_unsupported',
  'channel_welcome',
  'channel_type_text',
  'channel_truncated',
  'channel_rate_limited',
  // handoff to a person (issue 13)
  'handoff_start',
  'handoff_start_fallbacks',
  'handoff_closed',
  'handoff_ended',
  'handoff_not_active',
  'handoff_unknown',
  'handoff_summary_head',
  'handoff_summary_user',
  'handoff_summary_case',
  'handoff_summary_sms',
  'handoff_summary_sms_left',
  'handoff_summary_sms_closed',
  'handoff_summary_no_sms',
  'handoff_summary_attempts',
  'handoff_summary_intents',
  'handoff_summary_questions',
  // deadline reminders (issue 14)
  'reminder_offer',
  'reminder_scheduled',
  'reminder_auto',
  'reminder_moved',
  'reminder_need_time',
  'reminder_not_needed',
  'reminder_too_late',
  'reminder_no_attempts',
  'reminder_unavailable',
  'reminder_unavailable_no_time',
  'reminder_cancelled',
  'reminder_none',
  'reminder_stopped',
  'reminder_text',
] as const;

export interface TextKeyData {
  platforms: string[];
  /** Units of the platforms' SMS windows (platforms.yaml sms_after_notice.unit). */
  smsWindowUnits: string[];
}

/** The keys intents/_dialogue.yaml must define, each with the reason the code needs it. */
export function requiredTextKeys(data: TextKeyData): Array<{ key: string; why: string }> {
  return [
    ...FIXED.map((key) => ({ key, why: 'used by the engine' })),
    ...data.platforms.flatMap((p) => [
      { key: `platform_${p}`, why: `platform ${p}` },
      { key: `resubmit_${p}`, why: `platform ${p}` },
    ]),
    ...FILING_TYPES.map((t) => ({ key: `filing_${t}`, why: `filing type ${t}` })),
    ...STAGES.map((s) => ({ key: `stage_${s}`, why: `stage ${s}` })),
    ...HANDOFF_REASONS.map((r) => ({ key: `handoff_reason_${r}`, why: `handoff reason ${r}` })),
    ...data.smsWindowUnits.map((u) => ({ key: `sms_overdue_${u}`, why: `SMS window unit ${u}` })),
  ];
}
