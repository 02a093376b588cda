import type { Config } from '../config';
import type { DialogueEngine } from '../core/dialogue-engine';
import type { ReminderPort } from '../core/reminder-turn';
import type { Message } from '../core/types';
import { moduleLogger } from '../logger';
import type { ConversationStore } from '../state/conversation-store';
import { newConversationState } from '../state/conversation-state';
import { createReminders, type Reminders, type RemindersConfig, type RemindersDeps } from './create-reminders';
import { reminderChannelOf, type ReminderChannel, type ReminderStateView } from './reminder-types';

const log = moduleLogger('reminders');

/** Where a reminder to the sender of this message goes: JSON API users get the webhook, chat users their channel. */
export function deliveryChannelOf(message: Pick<Message, 'channel' | 'transport'>): ReminderChannel {
  return message.transport === 'json' ? 'webhook' : reminderChannelOf(message.channel);
}

/** The engine's reminder port over the scheduler: what to offer, and applying a turn's command. */
export function reminderPort(reminders: Reminders, config: Pick<Config, 'REMINDER_BEFORE'>): ReminderPort {
  return {
    mode: reminders.mode,
    beforeMs: config.REMINDER_BEFORE,
    // Douyin's IM API answers inside a conversation whose ids a Message doesn't carry yet: not offered there.
    canDeliver: (m) => deliveryChannelOf(m) !== 'douyin' && reminders.canDeliver(deliveryChannelOf(m)),
    // Reminders wait in real time: a message stamped in the past still plans from the server clock.
    firstAt: (sms, now) => reminders.plan(sms, new Date(Math.max(now.getTime(), Date.now())))[0]?.at ?? null,
    async apply(m, command) {
      if (command.kind === 'cancel') await reminders.cancel(m.userId);
      else await reminders.scheduleFor(m.userId, { smsReceivedAt: new Date(command.smsReceivedAt), delivery: { channel: deliveryChannelOf(m) } });
    },
    seen(m) {
      void reminders.recordInbound(m.userId, deliveryChannelOf(m), m.timestamp);
    },
  };
}

export interface ReminderWiring {
  reminders: Reminders;
  port: ReminderPort;
  /** Hand the engine over once it is trained; due reminders wait for it. */
  setEngine(engine: DialogueEngine): void;
}

/**
 * The reminders of one instance wired to its state store and (once trained) its engine: the fire
 * step reads and updates the conversation state, the engine renders the text.
 */
export function wireReminders(
  config: RemindersConfig,
  store: ConversationStore,
  deps: Pick<RemindersDeps, 'registry'> & Partial<Omit<RemindersDeps, 'loadState' | 'renderReminder' | 'saveReminderStatus'>>,
): ReminderWiring {
  let setEngine!: (e: DialogueEngine) => void;
  const ready = new Promise<DialogueEngine>((resolve) => (setEngine = resolve));
  const reminders = createReminders(config, {
    ...deps,
    async loadState(userKey): Promise<ReminderStateView | undefined> {
      const engine = await ready;
      const stored = await store.get(userKey);
      if (!stored) return undefined;
      const state = engine.revive(stored, new Date());
      return { ...state, attemptsAllowed: engine.stateRules.attempts };
    },
    async renderReminder(view, now) {
      const engine = await ready;
      return engine.renderReminder({ variant: null, platform: null, ...view, attemptsAllowed: view.attemptsAllowed }, now);
    },
    async saveReminderStatus(userKey, sent) {
      const engine = await ready;
      // A user forgotten meanwhile stays forgotten: nothing is written back for them.
      if (!(await store.get(userKey))) return;
      await store.update(userKey, (current) => {
        if (!current) return newConversationState(new Date());
        const state = engine.revive(current, new Date());
        const same = state.smsReceivedAt !== null && Date.parse(state.smsReceivedAt) === Date.parse(sent.smsReceivedAt);
        if (!same || (state.reminder?.status !== 'scheduled' && state.reminder?.status !== 'sent')) return state;
        return { ...state, reminder: sent.nextAt ? { at: sent.nextAt, status: 'scheduled' } : { at: sent.at, status: 'sent' } };
      });
    },
  });
  log.debug('reminders wired', { mode: reminders.mode });
  return { reminders, port: reminderPort(reminders, config), setEngine };
}
