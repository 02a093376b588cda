import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import {
  applyOverlay,
  emptyOverlay,
  exportOverlay,
  FileOverlayStore,
  OverlayValidationError,
  validateTeach,
  withDismissed,
  withVariant,
} from '../../src/admin/knowledge-overlay';
import { sharedKb } from '../helpers';

const now = new Date('2026-03-01T12:00:00Z');

describe('knowledge overlay', () => {
  const kb = sharedKb();

  it('validates a teach: known intent or fallback, non-empty, bounded; stores the text masked with its language', () => {
    const v = validateTeach(kb, '我的手机号13812345678收不到短信怎么办', 'sms.not_received', now);
    expect(v.text).not.toContain('13812345678');
    expect(v.lang).toBe('zh');
    expect(validateTeach(kb, 'can I sell coffee here', 'fallback', now).lang).toBe('en');
    expect(() => validateTeach(kb, 'hello', 'no.such', now)).toThrow(OverlayValidationError);
    expect(() => validateTeach(kb, '  ', 'fallback', now)).toThrow(OverlayValidationError);
    expect(() => validateTeach(kb, '？！。', 'fallback', now)).toThrow(OverlayValidationError);
    expect(() => validateTeach(kb, 'x'.repeat(301), 'fallback', now)).toThrow(OverlayValidationError);
    expect(() => validateTeach(kb, 42, 'fallback', now)).toThrow(OverlayValidationError);
  });

  it('adds taught variants to their intents without touching the loaded knowledge, and skips unknown intents with a reason', () => {
    const before = kb.intents.get('filing.process')!.utterances.zh.length;
    let overlay = withVariant(emptyOverlay(), validateTeach(kb, '域名转让要重新备案吗', 'filing.process', now));
    overlay = { ...overlay, variants: [...overlay.variants, { text: 'gone', intent: 'removed.intent', lang: 'en', at: now.toISOString() }] };
    const { kb: merged, issues } = applyOverlay(kb, overlay);
    expect(merged.intents.get('filing.process')!.utterances.zh).toContain('域名转让要重新备案吗');
    expect(kb.intents.get('filing.process')!.utterances.zh).toHaveLength(before);
    expect(issues).toEqual([expect.stringContaining('removed.intent')]);
  });

  it('moves a question taught again to its new intent, and un-dismisses it', () => {
    let overlay = withDismissed(emptyOverlay(), '域名转让要重新备案吗', now);
    overlay = withVariant(overlay, validateTeach(kb, '域名转让要重新备案吗', 'filing.process', now));
    overlay = withVariant(overlay, validateTeach(kb, '域名转让要重新备案吗？', 'filing.types', now));
    expect(overlay.variants.map((v) => v.intent)).toEqual(['filing.types']);
    expect(overlay.dismissed).toEqual([]);
  });

  it('round-trips through its YAML file, names the file when it is broken, and exports per intent file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overlay-'));
    const file = path.join(dir, 'sub', 'overlay.yaml');
    const store = new FileOverlayStore(file);
    expect(await store.load()).toEqual(emptyOverlay());
    const overlay = withVariant(emptyOverlay(), validateTeach(kb, 'is a domain transfer a new filing', 'filing.types', now));
    await store.save(overlay);
    expect(await store.load()).toEqual(overlay);
    const exported = YAML.parse(exportOverlay(overlay)) as Record<string, { utterances: { en: string[] } }>;
    expect(exported['intents/filing.types.yaml'].utterances.en).toEqual(['is a domain transfer a new filing']);
    fs.writeFileSync(file, 'variants:\n  - text: 1\n    intent: [\n');
    await expect(store.load()).rejects.toThrow(file);
    fs.writeFileSync(file, 'variants:\n  - text: hi\n    intent: x\n    lang: fr\n    at: now\n');
    await expect(store.load()).rejects.toThrow(/variants\.0\.lang/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
