import type { StageEvent } from '../../src/nlu/entities';
import type { FilingType } from '../../src/state/conversation-state';
import { sharedNlu } from '../helpers';

// Entities come from parse(), the only place that reads user text. 10:00 on 2 January 2026 in Shanghai.
const NOW = new Date('2026-01-02T02:00:00Z');
const extract = (text: string) => sharedNlu().parse(text, NOW).entities;
/** Stage events reported as having happened to the current filing. */
const reported = (text: string) =>
  extract(text)
    .events.filter((e) => e.polarity === 'happened' && e.role === 'current')
    .map((e) => e.event);
const currentPlatform = (text: string) => extract(text).platforms.find((p) => p.role === 'current' && p.polarity !== 'not')?.platform;

describe('platform mentions', () => {
  it.each([
    ['抖音小程序', 'douyin'],
    ['抖音小程序備案', 'douyin'],
    ['腾讯云网站备案', 'tencent_cloud'],
    ['小程序备案', 'wechat'],
    ['你好', undefined],
  ])('%s -> %s', (text, platform) => {
    expect(currentPlatform(text)).toBe(platform);
  });
});

describe('filingType', () => {
  it.each<[string, FilingType | undefined]>([
    ['我是首次备案', 'first_filing'],
    ['首次備案', 'first_filing'],
    ['第一次备案要准备什么', 'first_filing'],
    ['新增备案', 'first_filing'],
    ['this is my first filing', 'first_filing'],
    ['新增小程序', 'new_app'],
    ['新增小程式備案', 'new_app'],
    ['I am filing another mini program', 'new_app'],
    ['新增接入', 'new_access'],
    ['接入備案', 'new_access'],
    ['adding access on wechat', 'new_access'],
    ['变更备案', 'change'],
    ['變更備案', 'change'],
    ['change filing', 'change'],
    ['注销主体', 'cancel_subject'],
    ['註銷主體', 'cancel_subject'],
    ['I want to cancel the subject', 'cancel_subject'],
    ['注销服务', 'cancel_service'],
    ['注销小程序', 'cancel_service'],
    ['註銷小程式', 'cancel_service'],
    ['cancel the mini program', 'cancel_service'],
    ['取消接入', 'cancel_access'],
    ['how do I cancel access', 'cancel_access'],
    ['被驳回了要重新备案吗', undefined],
    ['手机号变更了', undefined],
    ['收不到短信', undefined],
  ])('%s -> %s', (text, type) => {
    expect(extract(text).filingType).toBe(type);
  });
});

describe('changes', () => {
  it.each<[string, { subject?: boolean; app?: boolean } | undefined]>([
    ['主体信息变了', { subject: true }],
    ['法人變了', { subject: true }],
    ['the subject info changed', { subject: true }],
    ['改了小程序名称', { app: true }],
    ['小程式負責人換了', { app: true }],
    ['I renamed it', { app: true }],
    ['mini program info', { app: true }],
    ['只改了小程序名称', { subject: false, app: true }],
    ['只改了主體', { subject: true, app: false }],
    ['only the subject info', { subject: true, app: false }],
    ['都改了', { subject: true, app: true }],
    ['兩個都改了', { subject: true, app: true }],
    ['both', { subject: true, app: true }],
    ['都没改', { subject: false, app: false }],
    ['沒有改', { subject: false, app: false }],
    ['nothing changed', { subject: false, app: false }],
    ['no changes', { subject: false, app: false }],
    ['主体没变', { subject: false }],
    ['没改主体，只改了小程序名称', { subject: false, app: true }],
    ['两个都没改', { subject: false, app: false }],
    ['do both people get the sms?', undefined],
    ['收不到短信', undefined],
  ])('%s -> %j', (text, changes) => {
    expect(extract(text).changes).toEqual(changes);
  });
});

describe('time (now = 2026-01-02 10:00 Asia/Shanghai)', () => {
  it.each([
    // just now
    ['刚收到短信', '2026-01-02T02:00:00.000Z'],
    ['剛剛收到', '2026-01-02T02:00:00.000Z'],
    ['just got the code', '2026-01-02T02:00:00.000Z'],
    // ago
    ['10分钟前收到的', '2026-01-02T01:50:00.000Z'],
    ['半小时前', '2026-01-02T01:30:00.000Z'],
    ['半個小時前收到', '2026-01-02T01:30:00.000Z'],
    ['一个小时前', '2026-01-02T01:00:00.000Z'],
    ['一個半小時前', '2026-01-02T00:30:00.000Z'],
    ['兩個小時前', '2026-01-02T00:00:00.000Z'],
    ['两天前收到的', '2025-12-31T02:00:00.000Z'],
    ['3 hours ago', '2026-01-01T23:00:00.000Z'],
    ['an hour ago', '2026-01-02T01:00:00.000Z'],
    ['half an hour ago', '2026-01-02T01:30:00.000Z'],
    ['got it 2 days ago', '2025-12-31T02:00:00.000Z'],
    // clock times with a day
    ['昨晚8点收到的', '2026-01-01T12:00:00.000Z'],
    ['昨晚8點收到簡訊', '2026-01-01T12:00:00.000Z'],
    ['昨天晚上八点半', '2026-01-01T12:30:00.000Z'],
    ['昨天晚上八點半', '2026-01-01T12:30:00.000Z'],
    ['昨天20:00', '2026-01-01T12:00:00.000Z'],
    ['今天上午9点', '2026-01-02T01:00:00.000Z'],
    ['今早9点', '2026-01-02T01:00:00.000Z'],
    ['今天下午3点', '2026-01-02T07:00:00.000Z'],
    ['前天晚上', '2025-12-31T12:00:00.000Z'],
    ['昨晚十二点', '2026-01-01T16:00:00.000Z'],
    // clock times without a day: later than now means yesterday
    ['8点收到的', '2026-01-02T00:00:00.000Z'],
    ['八點十五分', '2026-01-02T00:15:00.000Z'],
    ['八点一刻', '2026-01-02T00:15:00.000Z'],
    ['凌晨2点', '2026-01-01T18:00:00.000Z'],
    ['凌晨兩點', '2026-01-01T18:00:00.000Z'],
    ['中午12点', '2026-01-01T04:00:00.000Z'],
    ['下午三点', '2026-01-01T07:00:00.000Z'],
    ['晚上十一点', '2026-01-01T15:00:00.000Z'],
    ['二十三点', '2026-01-01T15:00:00.000Z'],
    ['20:30', '2026-01-01T12:30:00.000Z'],
    // English
    ['yesterday at 9pm', '2026-01-01T13:00:00.000Z'],
    ['got it yesterday 9:30 pm', '2026-01-01T13:30:00.000Z'],
    ['this morning at 9', '2026-01-02T01:00:00.000Z'],
    ['today at 3pm', '2026-01-02T07:00:00.000Z'],
    ['last night at 8', '2026-01-01T12:00:00.000Z'],
    ['at 8pm', '2026-01-01T12:00:00.000Z'],
    ['9am', '2026-01-02T01:00:00.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(extract(text).time?.toISOString()).toBe(iso);
  });

  it.each([
    '还剩几个小时',
    '還剩幾個小時',
    '24小时内要验证吗',
    '已经错了3次',
    '一般5-10分钟能收到吗',
    '手机号13812345678',
    '晚一点再试',
    '有一点问题',
    '昨天早就提交了',
    'how many hours do I have left',
    'I failed 3 times',
  ])('no time in %s', (text) => {
    expect(extract(text).time).toBeUndefined();
  });
});

describe('count', () => {
  it.each<[string, { n: number; relative: boolean }]>([
    ['又输错了', { n: 1, relative: true }],
    ['又輸錯咗', { n: 1, relative: true }],
    ['又错了两次', { n: 2, relative: true }],
    ['已经错了4次', { n: 4, relative: false }],
    ['已經錯了4次', { n: 4, relative: false }],
    ['错了3次了', { n: 3, relative: false }],
    ['输错两回', { n: 2, relative: false }],
    ['輸錯兩回', { n: 2, relative: false }],
    ['一共错了三次', { n: 3, relative: false }],
    ['这是第四次了', { n: 4, relative: false }],
    ['第三次輸錯', { n: 3, relative: false }],
    ['3次', { n: 3, relative: false }],
    ['typed it wrong again', { n: 1, relative: true }],
    ['another wrong attempt', { n: 1, relative: true }],
    ['2 more wrong attempts', { n: 2, relative: true }],
    ['failed 4 times', { n: 4, relative: false }],
    ['I got it wrong twice', { n: 2, relative: false }],
    ['three times', { n: 3, relative: false }],
    ['3 wrong attempts', { n: 3, relative: false }],
    ['my 4th failed attempt', { n: 4, relative: false }],
    ['third time it failed', { n: 3, relative: false }],
    ['entered it wrong once', { n: 1, relative: false }],
  ])('%s -> %j', (text, count) => {
    expect(extract(text).count).toMatchObject(count);
  });

  it.each([
    '手机号13812345678',
    '8点收到的',
    '24小时内',
    '一般5-10分钟',
    '还能输几次',
    '还有2次机会',
    '短信重发了两次',
    '第一次备案',
    '输错5次会怎样',
    'once I get the code what do I do',
    'is there a limit of 5 attempts',
    'I have 2 attempts left',
    'give it a try',
  ])('no count in %s', (text) => {
    expect(extract(text).count).toBeUndefined();
  });
});

describe('events', () => {
  it.each<[string, StageEvent[]]>([
    ['我提交了', ['submitted']],
    ['交上去了', ['submitted']],
    ['已提交，初审通过了', ['submitted', 'preliminary_passed']],
    ['初審過了', ['preliminary_passed']],
    ['平台审核通过', ['preliminary_passed']],
    ['收到短信了', ['sms_received']],
    ['收到簡訊了', ['sms_received']],
    ['短信来了', ['sms_received']],
    ['驗證碼到了', ['sms_received']],
    ['昨晚8点收到的', ['sms_received']],
    ['the text from 12381 came 10 minutes ago', ['sms_received']],
    ['just got a new verification code', ['sms_received']],
    ['刚收到新的验证码', ['sms_received']],
    ['platform approved it this morning', ['preliminary_passed']],
    ['the code never came', []],
    ['收到初审通过的短信', ['preliminary_passed']],
    ['初審通過的簡訊收到了', ['preliminary_passed']],
    ['验证成功', ['verified']],
    ['核驗完成', ['verified']],
    ['已经验证了', ['verified']],
    ['验完了', ['verified']],
    ['备案成功', ['approved']],
    ['拿到备案号了', ['approved']],
    ['備案號下來了', ['approved']],
    ['管局审核通过', ['approved']],
    ['被驳回了', ['rejected']],
    ['被駁回了', ['rejected']],
    ['审核未通过', ['rejected']],
    ['初审没通过', ['rejected']],
    ['打回來了', ['rejected']],
    ['提交了，初审通过了，也收到短信了，验证成功', ['submitted', 'preliminary_passed', 'sms_received', 'verified']],
    ['I submitted it yesterday', ['submitted']],
    ['preliminary review passed', ['preliminary_passed']],
    ['got the preliminary review text', ['preliminary_passed']],
    ['I got the code', ['sms_received']],
    ['received the sms', ['sms_received']],
    ['the text arrived', ['sms_received']],
    ['verification complete', ['verified']],
    ['approved after I verified', ['verified', 'approved']],
    ['got the filing number', ['approved']],
    ['it was rejected', ['rejected']],
    ['my application bounced', ['rejected']],
    // negated or failed
    ['还没收到短信', []],
    ['還沒收到簡訊', []],
    ['验证失败了', []],
    ['還沒提交', []],
    ['初审还没通过', []],
    ['没有被驳回', []],
    ["haven't received the sms", []],
    ['not verified yet', []],
    ['verification failed', []],
    ["I didn't submit", []],
    // a question reports nothing
    ['初审通过后多久收到短信', []],
    ['how long until I get the code', []],
    ['approved by the platform but not verified yet', ['preliminary_passed']],
    ['it was not rejected', []],
  ])('%s -> %j', (text, events) => {
    expect(reported(text)).toEqual(events);
  });
});

const notReceived = (text: string) => extract(text).events.some((e) => e.event === 'sms_received' && e.polarity === 'not');

describe('SMS not received', () => {
  it.each(['没收到短信', '還沒收到簡訊', '收不到验证码', '收唔到驗證碼', '短信一直没来', 'no sms yet', "I haven't received it", 'never got the code'])(
    '%s',
    (text) => {
      expect(notReceived(text)).toBe(true);
    },
  );

  it.each(['收到短信了', 'I got the code', '验证成功'])('not in %s', (text) => {
    expect(notReceived(text)).toBe(false);
  });
});

describe("Douyin's situations (002 §1) in users' words", () => {
  it.each([
    ['公司名下什么都没备过，这是头一回', 'first_ever'],
    ['我们从来没有备案过', 'first_ever'],
    ['we have never filed anything', 'first_ever'],
    ['公司以前备案过APP', 'filed_before'],
    ['主体之前备过一个网站', 'filed_before'],
    ['our company filed a website years ago', 'filed_before'],
    ['同名的小程序在支付宝已经有备案号了', 'same_name_elsewhere'],
    ['the same mini program is already filed on baidu', 'same_name_elsewhere'],
    ['小程序改名了', 'renamed'],
    ['改了名字重新备案', 'renamed'],
    ['we renamed it and filed again', 'renamed'],
  ])('%s -> %s', (text, situation) => {
    expect(extract(text).situation).toBe(situation);
  });
});
