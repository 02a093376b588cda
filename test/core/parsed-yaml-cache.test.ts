import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base';
import { DEFAULT_PARSED_YAML_PATH, recordParsedYaml, useParsedYamlCache, writeParsedYamlCache } from '../../src/knowledge/parsed-yaml-cache';
import { INTENTS_DIR } from '../helpers';

describe('parsed YAML cache (start-up reads the build’s JSON instead of parsing intents/)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parsed-yaml-'));
  const cacheFile = path.join(tmp, 'intents-parsed.json');
  afterAll(() => {
    useParsedYamlCache(DEFAULT_PARSED_YAML_PATH);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gives the same knowledge base as parsing the YAML, and parses a file edited since the build afresh', () => {
    useParsedYamlCache(path.join(tmp, 'none.json'));
    const fromYaml = loadKnowledgeBase(INTENTS_DIR);
    recordParsedYaml();
    loadKnowledgeBase(INTENTS_DIR);
    expect(writeParsedYamlCache(cacheFile)).toBeGreaterThan(10);

    useParsedYamlCache(cacheFile);
    expect(loadKnowledgeBase(INTENTS_DIR)).toEqual(fromYaml);

    // The same cache against an intents/ whose rules.yaml changed: the change is read, not the build's value.
    const dir = path.join(tmp, 'intents');
    fs.cpSync(INTENTS_DIR, dir, { recursive: true });
    const rules = path.join(dir, 'rules.yaml');
    const before = fs.readFileSync(rules, 'utf8');
    const after = before.replace('attempts: { value: 5,', 'attempts: { value: 7,');
    expect(after).not.toBe(before);
    fs.writeFileSync(rules, after);
    useParsedYamlCache(cacheFile);
    expect(loadKnowledgeBase(dir).rules.attempts.value).toBe(7);
  });
});
