import request from 'supertest';
import { createApp } from '../../src/app';
import { newEngine, testConfig } from '../helpers';

// Scripted multi-turn conversations through the JSON API, each turn at a fixed message time.
const { engine, store } = newEngine();
const app = createApp({ config: testConfig(), engine: () => engine, store });

type Turn = [iso: string, text: string, check: (body: any) => void];

async function converse(userId: string, turns: Turn[]): Promise<void> {
  for (const [iso, text, check] of turns) {
    const res = await request(app).post('/api/v1/messages').send({ userId, text, timestamp: iso });
    expect(res.status).toBe(200);
    try {
      check(res.body);
    } catch (err) {
      throw new Error(`turn "${text}": ${(err as Error).message}\nreply: ${res.body.reply}\nstate: ${JSON.stringify(res.body.state)}`, { cause: err });
    }
  }
}

describe('a WeChat filing from submission to approval (zh-Hans)', () => {
  it('tracks every stage, the deadline and the attempts', async () => {
    await converse('zh-1', [
      [
        '2026-01-01T02:00:00Z',
        '我们是微信小程序，今天上午提交了备案',
        (b) => {
          expect(b.intent).toBe('state.report');
          expect(b.state).toMatchObject({ platform: 'wechat', stage: 'platform_review' });
          expect(b.reply).toMatch(/1-2 个工作日/);
        },
      ],
      [
        '2026-01-02T02:00:00Z',
        '初审通过了',
        (b) => {
          expect(b.state.stage).toBe('sms_verification');
          expect(b.reply).toMatch(/5-10 分钟/);
        },
      ],
      [
        '2026-01-02T12:00:00Z',
        '刚收到核验短信',
        (b) => {
          expect(b.state.smsReceivedAt).toBe('2026-01-02T12:00:00.000Z');
          expect(b.state.deadline).toBe('2026-01-03T12:00:00.000Z');
          expect(b.reply).toMatch(/还剩约 24 小时/);
        },
      ],
      [
        '2026-01-02T15:00:00Z',
        '我还剩多少时间',
        (b) => {
          expect(b.intent).toBe('state.query');
          expect(b.reply).toMatch(/还剩约 21 小时/);
          expect(b.reply).toMatch(/1月3日 08:00.*自动重发/);
        },
      ],
      [
        '2026-01-02T15:05:00Z',
        '又输错了',
        (b) => {
          expect(b.intent).toBe('state.attempt');
          expect(b.state).toMatchObject({ attemptsUsed: 1, attemptsLeft: 4 });
        },
      ],
      [
        '2026-01-03T01:10:00Z',
        '已经错了4次',
        (b) => {
          expect(b.state).toMatchObject({ attemptsUsed: 4, attemptsLeft: 1 });
          expect(b.reply).toMatch(/最后 1 次/);
          expect(b.reply).toMatch(/第 6 次/);
        },
      ],
      [
        '2026-01-03T01:12:00Z',
        '还来得及吗',
        (b) => {
          expect(b.reply).toMatch(/还剩约 10 小时 48 分钟/);
          expect(b.reply).toMatch(/已经过了 12 小时/);
        },
      ],
      [
        '2026-01-03T01:20:00Z',
        '验证成功了',
        (b) => {
          expect(b.state.stage).toBe('bureau_review');
          expect(b.reply).toMatch(/1-20 个工作日/);
        },
      ],
      [
        '2026-01-05T02:00:00Z',
        '备案通过了，拿到备案号了',
        (b) => {
          expect(b.state.stage).toBe('approved');
        },
      ],
    ]);
  });
});

describe('a Douyin filing that runs out of time and tries (en)', () => {
  it('computes times relative to the message and says when the window has closed', async () => {
    await converse('en-1', [
      ['2026-01-02T02:00:00Z', "we're on douyin", (b) => expect(b.state.platform).toBe('douyin')],
      [
        '2026-01-02T02:01:00Z',
        'the preliminary review passed',
        (b) => {
          expect(b.state.stage).toBe('sms_verification');
          expect(b.reply).toMatch(/3-4 hours/);
        },
      ],
      [
        '2026-01-02T02:02:00Z',
        'got the sms yesterday at 9pm',
        (b) => {
          expect(b.state.smsReceivedAt).toBe('2026-01-01T13:00:00.000Z');
          expect(b.reply).toMatch(/about 10 h 58 min/);
        },
      ],
      ['2026-01-02T02:03:00Z', 'typed it wrong again', (b) => expect(b.state.attemptsUsed).toBe(1)],
      [
        '2026-01-02T02:04:00Z',
        'failed 5 times now',
        (b) => {
          expect(b.state).toMatchObject({ attemptsUsed: 5, attemptsLeft: 0 });
          expect(b.reply).toMatch(/6th verification returns/);
          expect(b.reply).toMatch(/重新发送短信/);
        },
      ],
      [
        '2026-01-02T13:30:00Z',
        'how much time do i have left',
        (b) => {
          expect(b.reply).toMatch(/window has closed/);
          expect(b.reply).not.toMatch(/WeChat:/);
        },
      ],
      [
        '2026-01-03T02:00:00Z',
        'our filing got rejected',
        (b) => {
          expect(b.state.stage).toBe('rejected');
          expect(b.reply).toMatch(/审核未通过/);
        },
      ],
      [
        '2026-01-04T02:00:00Z',
        'just got a new verification code',
        (b) => {
          expect(b.state).toMatchObject({ stage: 'sms_verification', attemptsUsed: 0, smsReceivedAt: '2026-01-04T02:00:00.000Z' });
        },
      ],
    ]);
  });
});

describe('Traditional Chinese and Cantonese (zh-Hant)', () => {
  it("answers in Traditional with the user's own numbers", async () => {
    await converse('hant-1', [
      [
        '2026-01-02T02:00:00Z',
        '我們是抖音小程式，這次是變更備案',
        (b) => {
          expect(b.lang).toBe('zh-Hant');
          expect(b.state).toMatchObject({ platform: 'douyin', filingType: 'change' });
        },
      ],
      [
        '2026-01-02T02:01:00Z',
        '昨晚8點收到驗證碼',
        (b) => {
          expect(b.state.smsReceivedAt).toBe('2026-01-01T12:00:00.000Z');
          expect(b.reply).toMatch(/還剩約 9 小時 59 分鐘/);
        },
      ],
      [
        '2026-01-02T02:02:00Z',
        '又打錯咗兩次',
        (b) => {
          expect(b.lang).toBe('zh-Hant');
          expect(b.state.attemptsUsed).toBe(2);
          expect(b.reply).toMatch(/還能再試 3 次/);
        },
      ],
      [
        '2026-01-02T02:03:00Z',
        '核驗簡訊會發給誰',
        (b) => {
          expect(b.intent).toBe('sms.recipient');
          expect(b.reply).toMatch(/主辦單位負責人.*小程(?:序|式)負責人/);
        },
      ],
    ]);
  });
});

describe('who gets the SMS, slot by slot', () => {
  it('asks only for what is missing and answers a question asked mid-flow', async () => {
    await converse('slots-1', [
      [
        '2026-01-02T02:00:00Z',
        '核验短信发给谁',
        (b) => {
          expect(b.intent).toBe('sms.recipient');
          expect(b.reply).toMatch(/哪个平台/);
        },
      ],
      ['2026-01-02T02:01:00Z', '微信', (b) => expect(b.reply).toMatch(/备案类型/)],
      [
        '2026-01-02T02:02:00Z',
        '验证码有效期多久',
        (b) => {
          expect(b.intent).toBe('verify.validity');
          expect(b.reply).toMatch(/24 ?小时/);
        },
      ],
      [
        '2026-01-02T02:03:00Z',
        '新增接入',
        (b) => {
          expect(b.intent).toBe('sms.recipient');
          expect(b.reply).toMatch(/主体信息/);
        },
      ],
      [
        '2026-01-02T02:04:00Z',
        '主体信息也改了',
        (b) => {
          expect(b.reply).toMatch(/主体负责人 和 小程序负责人/);
          expect(b.reply).toMatch(/24 小时内各自核验/);
        },
      ],
    ]);
  });

  it('takes every answer in one message, in any order', async () => {
    await converse('slots-2', [
      [
        '2026-01-02T02:00:00Z',
        '只改了小程序信息，变更备案，微信小程序，短信发给谁',
        (b) => {
          expect(b.intent).toBe('sms.recipient');
          expect(b.reply).toMatch(/会发给：小程序负责人/);
          expect(b.reply).not.toMatch(/主体负责人/);
        },
      ],
    ]);
  });

  it('answers per the newer WeChat rule and mentions the older one', async () => {
    await converse('slots-3', [
      [
        '2026-01-02T02:00:00Z',
        'first filing on wechat, who has to verify?',
        (b) => {
          expect(b.reply).toMatch(/goes to the entity's person in charge/);
          expect(b.reply).toMatch(/Note: The older WeChat FAQ/);
          expect(b.sources).toEqual(expect.arrayContaining(['000 §9', '001 §7']));
        },
      ],
    ]);
  });

  it('asks the remaining slots in English', async () => {
    await converse('slots-4', [
      ['2026-01-02T02:00:00Z', 'who receives the miit sms', (b) => expect(b.reply).toMatch(/where are you filing/)],
      [
        '2026-01-02T02:01:00Z',
        'douyin, same mini program already filed on wechat so new access',
        (b) => {
          expect(b.reply).toMatch(/entity's person in charge .* and the mini program's person in charge/);
        },
      ],
    ]);
  });
});

describe('the bot asks when it does not know', () => {
  it('asks for the SMS time and takes a bare time as the answer', async () => {
    await converse('ask-1', [
      ['2026-01-02T02:00:00Z', '我还剩几个小时', (b) => expect(b.reply).toMatch(/告诉我/)],
      [
        '2026-01-02T02:01:00Z',
        '昨晚10点',
        (b) => {
          expect(b.state.smsReceivedAt).toBe('2026-01-01T14:00:00.000Z');
          expect(b.reply).toMatch(/还剩约 11 小时 59 分钟/);
        },
      ],
    ]);
  });
});

describe('forgetting', () => {
  it('"清除我的记录" deletes the state', async () => {
    await converse('forget-1', [
      ['2026-01-02T02:00:00Z', '我们是腾讯云网站', (b) => expect(b.state.platform).toBe('tencent_cloud')],
      ['2026-01-02T02:01:00Z', '清除我的记录', (b) => expect(b.state.platform).toBeNull()],
    ]);
    expect((await request(app).get('/api/v1/conversations/forget-1')).status).toBe(404);
  });

  it('"forget me" deletes the state', async () => {
    await converse('forget-2', [['2026-01-02T02:00:00Z', 'we use wechat', () => undefined]]);
    expect((await request(app).get('/api/v1/conversations/forget-2')).status).toBe(200);
    await converse('forget-2', [['2026-01-02T02:01:00Z', 'forget me', (b) => expect(b.reply).toMatch(/deleted/)]]);
    expect((await request(app).get('/api/v1/conversations/forget-2')).status).toBe(404);
  });
});
