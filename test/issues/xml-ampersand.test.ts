/** Issue 9, item 22: a bare `&` in Account XML (the usual URL mistake) is explained, with the fix. */
import { describe, expect, it } from 'vitest';
import { readAccountXml } from '../../src/acrobits/account-xml.js';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';

function issuesOf(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Account XML with a bare &', () => {
  it('suggests &amp; on the line where it stands', () => {
    const xml =
      '<account>\n<genericSmsSendUrl>https://x.example/?a=%sms_to%&b=%sms_body%</genericSmsSendUrl>\n</account>';
    const [issue, ...rest] = issuesOf(() => readAccountXml(xml, 'a.xml'));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ file: 'a.xml', line: 2, code: 'SYNTAX' });
    expect(issue?.message).toContain('write & as &amp;');
  });

  it('does not suggest it for other mistakes, or for & that starts an entity', () => {
    const xml = '<account>\n<title>Tom &amp; Jerry</title>\n<username>u</password>\n</account>';
    const [issue] = issuesOf(() => readAccountXml(xml, 'a.xml'));
    expect(issue?.message).toContain('not well-formed XML');
    expect(issue?.message).not.toContain('&amp;');
  });
});
