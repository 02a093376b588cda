import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { WechatyBuilder, type Wechaty } from 'wechaty';
import { WechatySender, wechatyContactSay } from '../../../src/reminders/senders/wechaty-sender';
import { captureLogs, waitFor } from '../fixtures';

describe('WechatySender (contact.say)', () => {
  let bot: Wechaty | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('says the text to the contact of the key, through the logged-in bot', async () => {
    const mocker = new mock.Mocker();
    bot = WechatyBuilder.build({ name: 'reminder-test', puppet: new PuppetMock({ mocker }) });
    bot.on('error', () => undefined);
    await bot.start();
    mocker.scan('x', 1);
    const me = mocker.createContact({ name: 'bot' });
    mocker.login(me);
    await waitFor(() => bot!.isLoggedIn, 5000, 'login');
    const alice = mocker.createContact({ name: 'alice' });
    const received: string[] = [];
    me.on('message', (m) => {
      if (m.listener()?.id === alice.id) received.push(m.text() ?? '');
    });

    const sender = new WechatySender(wechatyContactSay(bot));
    expect(await sender.send(`wechaty:${alice.id}`, '提醒：还剩 2 小时')).toEqual({ status: 'sent' });
    await waitFor(() => received.length === 1, 5000, 'the message');
    expect(received).toEqual(['提醒：还剩 2 小时']);
    expect(await sender.send('wechaty:no-such-contact', 'x')).toEqual({ status: 'failed', reason: 'contact_not_found' });
  });

  it('skips a key that is not a wechaty contact key, and reports a failing say', async () => {
    const logs = captureLogs();
    const say = jest.fn(async () => {
      throw new Error('logged out');
    });
    expect(await new WechatySender(say).send('u-1', 'x')).toEqual({ status: 'skipped', reason: 'not_addressable' });
    expect(await new WechatySender(say).send('wechaty:c1', 'x')).toEqual({ status: 'failed', reason: 'error' });
    expect(say).toHaveBeenCalledWith('c1', 'x');
    await logs.flush();
    logs.restore();
    expect(logs.lines.some((l) => l.includes('wechaty say failed') && l.includes('logged out'))).toBe(true);
  });
});
