import { decideRecipient, type RecipientFacts } from '../../src/core/recipient-rules';
import type { Platform } from '../../src/core/types';
import type { FilingType } from '../../src/state/conversation-state';
import { sharedKb } from '../helpers';

const tables = sharedKb().decisionTables;
const facts = (platform: Platform | null, filingType: FilingType | null, subject: boolean | null = null, app: boolean | null = null): RecipientFacts => ({
  platform,
  filingType,
  changes: { subject, app },
});
const verified = (f: RecipientFacts) => {
  const d = decideRecipient(tables, f);
  if (d.kind !== 'rule') throw new Error(`expected a rule, got ${JSON.stringify(d)}`);
  return [...d.rule.verified].sort();
};

describe('who gets the SMS: WeChat (000 §9 wins over 001 §7)', () => {
  it.each([
    ['first filing', facts('wechat', 'first_filing'), ['subject']],
    ['new mini program only', facts('wechat', 'new_app', false, false), []],
    ['new mini program + subject change', facts('wechat', 'new_app', true), ['subject']],
    ['new access only', facts('wechat', 'new_access', false, false), ['app']],
    ['new access + mini program change', facts('wechat', 'new_access', false, true), ['app']],
    ['new access + subject change', facts('wechat', 'new_access', true, false), ['app', 'subject']],
    ['new access + subject and mini program change', facts('wechat', 'new_access', true, true), ['app', 'subject']],
    ['change: subject only', facts('wechat', 'change', true, false), ['subject']],
    ['change: mini program only', facts('wechat', 'change', false, true), ['app']],
    ['change: both', facts('wechat', 'change', true, true), ['app', 'subject']],
    ['cancel subject', facts('wechat', 'cancel_subject'), ['subject']],
    ['cancel service', facts('wechat', 'cancel_service'), ['app']],
    ['cancel access', facts('wechat', 'cancel_access'), []],
  ])('%s', (_name, f, who) => {
    expect(verified(f)).toEqual(who);
  });

  it('keeps the older 001 rule as a note where it differed', () => {
    const d = decideRecipient(tables, facts('wechat', 'first_filing'));
    expect(d.kind === 'rule' && d.rule.note?.source).toBe('001 §7');
  });
});

describe('who gets the SMS: Douyin (002 §1)', () => {
  it.each([
    ['first filing of the entity', 'first_filing', ['subject']],
    ['entity filed before', 'new_app', ['subject']],
    ['same entity and name filed on another platform', 'new_access', ['app', 'subject']],
    ['renamed after filing on Douyin', 'change', ['app', 'subject']],
  ] as Array<[string, FilingType, string[]]>)('%s', (_name, type, who) => {
    expect(verified(facts('douyin', type))).toEqual(who);
  });

  it('has no rule for a case 002 does not cover', () => {
    expect(decideRecipient(tables, facts('douyin', 'cancel_access')).kind).toBe('no_rule');
  });
});

describe('who gets the SMS: Tencent Cloud (004)', () => {
  it('answers from the roles, without a table', () => {
    expect(decideRecipient(tables, facts('tencent_cloud', 'change', true, false)).kind).toBe('no_table');
  });
});

describe('slot filling asks only for what is missing', () => {
  it.each([
    [facts(null, null), 'platform'],
    [facts(null, 'change', true, false), 'platform'],
    [facts('wechat', null), 'filingType'],
    [facts('wechat', 'change'), 'changes'],
    [facts('wechat', 'new_access'), 'changes'],
    [facts('wechat', 'new_app'), 'changes'],
  ] as Array<[RecipientFacts, string]>)('%j -> asks %s', (f, slot) => {
    expect(decideRecipient(tables, f)).toEqual({ kind: 'ask', slot });
  });

  it('needs no "what changed" where the filing type decides alone', () => {
    expect(decideRecipient(tables, facts('wechat', 'cancel_service')).kind).toBe('rule');
    expect(decideRecipient(tables, facts('douyin', 'new_access')).kind).toBe('rule');
  });
});
