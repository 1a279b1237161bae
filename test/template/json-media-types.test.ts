/** Which Content-Types a structured body is written as JSON for, and a response read as JSON by. */
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../src/response/parse-body.js';
import { bodyKind } from '../../src/template/contexts.js';

describe('JSON media types', () => {
  it('takes a versioned JSON type (application/x-amz-json-1.0, as JSON-protocol APIs name it) as JSON, for bodies and responses', () => {
    for (const type of [
      'application/json',
      'application/vnd.api+json',
      'application/x-amz-json-1.0',
      'application/x-amz-json-1.1; charset=utf-8',
    ])
      expect([type, bodyKind(type)]).toEqual([type, 'json']);
    expect(parseBody('{"MessageId":"m1"}', 'application/x-amz-json-1.0', 'auto')).toEqual({
      format: 'json',
      document: { MessageId: 'm1' },
    });
  });

  it('does not take a type that only mentions json as JSON', () => {
    for (const type of ['application/x-json-ish', 'text/jsonish', 'application/x-www-form-urlencoded'])
      expect(bodyKind(type)).not.toBe('json');
  });
});
