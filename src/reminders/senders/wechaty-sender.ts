import type { Wechaty } from 'wechaty';
import { moduleLogger } from '../../logger';
import { describeError, platformUserId, type ProactiveSender, type SendResult } from '../proactive-sender';

const log = moduleLogger('reminders');

/** Says a text to a contact by id: what the wechaty runner gives the reminders (see wechatyContactSay). */
export type SayToContact = (contactId: string, text: string) => Promise<void>;

/** The contact is no longer known to the account (removed, or the puppet can't load it). */
export class ContactNotFoundError extends Error {
  override readonly name = 'ContactNotFoundError';
}

/** The SayToContact of a logged-in wechaty bot: find the contact by id and `contact.say`. */
export function wechatyContactSay(bot: Wechaty): SayToContact {
  return async (contactId, text) => {
    // Puppets differ: some return undefined for an unknown id, others throw while loading it.
    const contact = await bot.Contact.find({ id: contactId }).catch(() => undefined);
    if (!contact) throw new ContactNotFoundError('contact not found');
    await contact.say(text);
  };
}

/** A personal WeChat account through wechaty: `contact.say`, only in the process that runs the bot. */
export class WechatySender implements ProactiveSender {
  constructor(private readonly say: SayToContact) {}

  async send(userKey: string, text: string): Promise<SendResult> {
    const contactId = platformUserId(userKey, 'wechaty');
    if (!contactId) return { status: 'skipped', reason: 'not_addressable' };
    try {
      await this.say(contactId, text);
      return { status: 'sent' };
    } catch (err) {
      if (err instanceof ContactNotFoundError) return { status: 'failed', reason: 'contact_not_found' };
      log.warn('wechaty say failed', { method: 'send', userKey, error: describeError(err) });
      return { status: 'failed', reason: 'error' };
    }
  }
}
