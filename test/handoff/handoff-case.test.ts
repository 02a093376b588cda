import { buildHandoffView } from '../../src/handoff/handoff-case';
import { isStaffed, nextStaffed, parseServiceHours } from '../../src/handoff/service-hours';
import { newConversationState, type ConversationState } from '../../src/state/conversation-state';
import { sharedKb } from '../helpers';

const rules = { attempts: 5, validityMs: 24 * 3600_000 };
const now = new Date('2026-01-06T04:00:00Z'); // 12:00 Beijing

function withHandoff(patch: Partial<ConversationState>): ConversationState {
  return {
    ...newConversationState(now),
    handoff: { active: true, since: '2026-01-06T03:30:00.000Z', by: 'wechat', reason: 'requested' },
    ...patch,
  };
}

describe('the case and summary for the agent', () => {
  const state = withHandoff({
    platform: 'douyin',
    filingType: 'new_app',
    stage: 'sms_verification',
    smsReceivedAt: '2026-01-05T12:00:00.000Z', // 20:00 Beijing
    attemptsUsed: 3,
    lang: 'zh-Hant',
    lastIntents: ['sms.not_received', 'chat.human'],
    recentQuestions: ['收不到短信 手机138****5678', '轉人工'],
  });

  it('carries the structured case with ISO 8601 times', () => {
    const view = buildHandoffView(state, 'wechat:oABC', now, { kb: sharedKb(), rules, lang: 'zh-Hans' })!;
    expect(view).toMatchObject({ active: true, reason: 'requested', since: '2026-01-06T03:30:00.000Z', by: 'wechat' });
    expect(view.case).toMatchObject({
      platform: 'douyin',
      filingType: 'new_app',
      stage: 'sms_verification',
      smsReceivedAt: '2026-01-05T12:00:00.000Z',
      deadline: '2026-01-06T12:00:00.000Z',
      attemptsUsed: 3,
      attemptsLeft: 2,
      lang: 'zh-Hant',
      channel: 'wechat',
      userKey: 'wechat:oABC',
      lastIntents: ['sms.not_received', 'chat.human'],
    });
  });

  it('summarises in zh-Hans by default with Beijing times as YYYY-MM-DD HH:mm and masked questions', () => {
    const { summary } = buildHandoffView(state, 'wechat:oABC', now, { kb: sharedKb(), rules, lang: 'zh-Hans' })!;
    expect(summary).toContain('抖音小程序');
    expect(summary).toContain('新增小程序');
    expect(summary).toContain('工信部短信核验');
    expect(summary).toContain('2026-01-05 20:00');
    expect(summary).toContain('2026-01-06 20:00');
    expect(summary).toContain('还剩 8 小时');
    expect(summary).toMatch(/已输错 3 次，还能再试 2 次/);
    expect(summary).toContain('138****5678');
    expect(summary).not.toMatch(/\d{11}/);
  });

  it('summarises in English or Traditional Chinese when HANDOFF_LANG says so', () => {
    const en = buildHandoffView(state, 'u', now, { kb: sharedKb(), rules, lang: 'en' })!.summary;
    expect(en).toContain('Douyin Mini Program');
    expect(en).toContain('2026-01-06 20:00');
    const hant = buildHandoffView(state, 'u', now, { kb: sharedKb(), rules, lang: 'zh-Hant' })!.summary;
    expect(hant).toContain('平臺：抖音小程序'); // character-level Traditional (issue 12): 小程序 as WeChat's own Traditional FAQ writes it;
    expect(hant).toContain('驗');
  });

  it('says what is unknown instead of inventing it, and is absent without a handoff', () => {
    const bare = buildHandoffView(withHandoff({}), 'u', now, { kb: sharedKb(), rules, lang: 'zh-Hans' })!;
    expect(bare.case.deadline).toBeNull();
    expect(bare.summary).toContain('未知');
    expect(bare.summary).toContain('用户未提到收到时间');
    expect(buildHandoffView(newConversationState(now), 'u', now, { kb: sharedKb(), rules, lang: 'zh-Hans' })).toBeUndefined();
  });
});

describe('service hours (HANDOFF_HOURS, Beijing time)', () => {
  const hours = parseServiceHours('Mon-Fri 09:00-18:00; Sat 10:00-12:00');
  const at = (iso: string) => new Date(iso);
  it('knows when agents answer', () => {
    expect(isStaffed(hours, at('2026-01-06T01:00:00Z'))).toBe(true); // Tue 09:00
    expect(isStaffed(hours, at('2026-01-06T10:00:00Z'))).toBe(false); // Tue 18:00
    expect(isStaffed(hours, at('2026-01-10T02:30:00Z'))).toBe(true); // Sat 10:30
    expect(isStaffed(hours, at('2026-01-11T02:30:00Z'))).toBe(false); // Sun
    expect(isStaffed(undefined, at('2026-01-11T02:30:00Z'))).toBe(true);
  });
  it('finds the next opening across the night and the weekend', () => {
    expect(nextStaffed(hours, at('2026-01-06T12:00:00Z')).toISOString()).toBe('2026-01-07T01:00:00.000Z'); // Tue 20:00 -> Wed 09:00
    expect(nextStaffed(hours, at('2026-01-10T05:00:00Z')).toISOString()).toBe('2026-01-12T01:00:00.000Z'); // Sat 13:00 -> Mon 09:00
    expect(nextStaffed(hours, at('2026-01-05T23:00:00Z')).toISOString()).toBe('2026-01-06T01:00:00.000Z'); // Tue 07:00 -> 09:00
  });
  it.each(['Mon-Fri', 'Funday 09:00-18:00', 'Mon 18:00-09:00', 'Mon 25:00-26:00'])('refuses "%s" with a message naming it', (bad) => {
    expect(() => parseServiceHours(bad)).toThrow(/HANDOFF_HOURS/);
  });
});
