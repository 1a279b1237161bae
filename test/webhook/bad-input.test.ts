/**
 * Bad input, each a typed result and never a throw: missing or wrong signatures, a body changed
 * after signing, replays, a header sent twice, a body over the limit, malformed form or JSON,
 * another method, and an endpoint that could not be authenticated, refused at load.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import type { AnyOfRecipe, HmacRecipe } from '../../src/generated/provider.js';
import { inboundBody, jsonInbound, providerWith, receiverFor } from '../helpers/webhooks.js';

const hmacVerify: HmacRecipe = {
  type: 'hmac',
  algorithm: 'sha256',
  key: '%account[secret]%',
  message: [{ from: 'header', name: 'x-acme-timestamp' }, { from: 'literal', value: '.' }, { from: 'rawBody' }],
  signature: {
    from: 'header',
    name: 'x-acme-signature',
    encoding: 'hex',
    prefix: 'sha256=',
    separator: ',',
  },
  timestamp: { from: 'header', name: 'x-acme-timestamp', skewSeconds: 300 },
};
const NOW = 1_767_225_600_000;
const url = 'https://hooks.example.com/acme';
const sign = (body: string, ts = NOW / 1000, key = 's3cret') =>
  `sha256=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`;
const receiver = () =>
  receiverFor(providerWith({ inbound: jsonInbound(hmacVerify) }), { secret: 's3cret' }, { now: () => NOW });
const request = (body: string, headers: Record<string, string | string[]> = {}) => ({
  method: 'POST',
  url,
  headers: { 'x-acme-timestamp': String(NOW / 1000), 'x-acme-signature': sign(body), ...headers },
  body,
});

describe('receiving bad input', () => {
  it('reads a request signed with HMAC-SHA256 over timestamp.body, with a sha256= prefix', () => {
    const result = receiver().receive(request(inboundBody()));
    expect(result).toMatchObject({ ok: true, events: [{ type: 'inbound', text: 'hi', providerMessageId: 'm1' }] });
  });

  it('accepts any one of several signatures in the header (key rotation)', () => {
    const body = inboundBody();
    const header = `sha256=${'0'.repeat(64)}, ${sign(body)}`;
    expect(receiver().receive(request(body, { 'x-acme-signature': header })).ok).toBe(true);
  });

  it('refuses a request without a signature as WEBHOOK_UNVERIFIED with 401', () => {
    const result = receiver().receive({
      method: 'POST',
      url,
      headers: { 'x-acme-timestamp': String(NOW / 1000) },
      body: inboundBody(),
    });
    expect(result).toMatchObject({ ok: false, code: 'WEBHOOK_UNVERIFIED', answer: { status: 401 } });
  });

  it('refuses a signature without its prefix', () => {
    const body = inboundBody();
    const bare = sign(body).slice('sha256='.length);
    expect(receiver().receive(request(body, { 'x-acme-signature': bare }))).toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
    });
  });

  it('refuses a body changed after signing', () => {
    const signed = sign(inboundBody('hi'));
    const result = receiver().receive(request(inboundBody('HI'), { 'x-acme-signature': signed }));
    expect(result).toMatchObject({ ok: false, code: 'WEBHOOK_UNVERIFIED', answer: { status: 403 } });
  });

  it('refuses a replay outside the skew even when its signature is right', () => {
    const old = NOW / 1000 - 301;
    const body = inboundBody();
    const result = receiver().receive(
      request(body, { 'x-acme-timestamp': String(old), 'x-acme-signature': sign(body, old) }),
    );
    expect(result).toMatchObject({ ok: false, code: 'WEBHOOK_STALE' });
  });

  it('refuses a timestamp header sent twice instead of choosing one', () => {
    const body = inboundBody();
    const result = receiver().receive(request(body, { 'x-acme-timestamp': [String(NOW / 1000), String(NOW / 1000)] }));
    expect(result).toMatchObject({
      ok: false,
      code: 'WEBHOOK_MALFORMED',
      reason: 'header x-acme-timestamp is present 2 times',
    });
  });

  it('tells a header sent twice apart in [name, value] pairs too, whatever its case', () => {
    const body = inboundBody();
    const pairs: [string, string][] = [
      ['X-Acme-Signature', sign(body)],
      ['x-acme-signature', sign(body)],
      ['x-acme-timestamp', String(NOW / 1000)],
    ];
    expect(receiver().receive({ method: 'POST', url, headers: pairs, body })).toMatchObject({
      code: 'WEBHOOK_MALFORMED',
    });
  });

  it('refuses a body over the size limit before verifying it, quickly', () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const started = performance.now();
    const result = receiver().receive(request(big));
    expect(result).toMatchObject({ ok: false, code: 'WEBHOOK_TOO_LARGE', answer: { status: 413 } });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses signed JSON that does not parse as WEBHOOK_MALFORMED', () => {
    const body = '{"from": "+15558675310",';
    expect(receiver().receive(request(body))).toMatchObject({
      ok: false,
      code: 'WEBHOOK_MALFORMED',
      answer: { status: 400 },
    });
  });

  it('refuses signed JSON without a required field as WEBHOOK_MALFORMED, naming the field', () => {
    const body = JSON.stringify({ from: '+15558675310', to: '+15557122661', text: 'x' });
    expect(receiver().receive(request(body))).toMatchObject({
      code: 'WEBHOOK_MALFORMED',
      reason: 'the event has no providerMessageId (json /id)',
    });
  });

  it('refuses another method than the endpoint declares', () => {
    const body = inboundBody();
    expect(receiver().receive({ ...request(body), method: 'GET' })).toMatchObject({
      code: 'WEBHOOK_METHOD',
      answer: { status: 405 },
    });
  });

  it('refuses a form body with a broken percent-escape as WEBHOOK_MALFORMED', () => {
    const endpoint = {
      verify: { type: 'urlSecret' as const, query: 'token', value: '%account[secret]%' },
      read: {
        format: 'form' as const,
        event: {
          kind: 'inbound' as const,
          from: { form: 'from' },
          to: { form: 'to' },
          text: { form: 'text' },
          providerMessageId: { form: 'id' },
        },
      },
      answer: { status: 204 },
    };
    const r = receiverFor(providerWith({ inbound: endpoint }), { secret: 'tok' });
    const result = r.receive({
      method: 'POST',
      url: `${url}?token=tok`,
      headers: {},
      body: 'from=1&to=2&text=50%ZZ&id=1',
    });
    expect(result).toMatchObject({ ok: false, code: 'WEBHOOK_MALFORMED' });
    const wrong = r.receive({
      method: 'POST',
      url: `${url}?token=nope`,
      headers: {},
      body: 'from=1&to=2&text=ok&id=1',
    });
    expect(wrong).toMatchObject({ ok: false, code: 'WEBHOOK_UNVERIFIED' });
  });

  it('names an unknown endpoint instead of guessing one', () => {
    expect(receiver().receive(request(inboundBody()), 'status')).toMatchObject({
      code: 'WEBHOOK_UNKNOWN_ENDPOINT',
      answer: { status: 404 },
    });
  });

  it('gives the same events with the same dedupe key when the same request arrives twice', () => {
    const r = receiver();
    const first = r.receive(request(inboundBody()));
    const second = r.receive(request(inboundBody()));
    expect(second).toEqual(first);
    const other = r.receive(request(inboundBody('hi', 'm2')));
    expect(first.ok && other.ok && first.events[0]?.dedupeKey !== other.events[0]?.dedupeKey).toBe(true);
  });
});

describe('an endpoint that could not be authenticated', () => {
  it('is refused at load when its provider file declares no verification', () => {
    const file = providerWith({ inbound: jsonInbound(hmacVerify) });
    delete (file.webhooks.endpoints.inbound as { verify?: unknown }).verify;
    expect(() => providerFromValue(file, 'acme.json')).toThrow(/verify: is required but missing/);
  });

  it('is refused when the file asks for "none"', () => {
    const file = providerWith({ inbound: jsonInbound({ type: 'none' } as never) });
    expect(() => providerFromValue(file, 'acme.json')).toThrow(ConfigError);
  });

  it('is refused when the account has no Basic credentials for a provider that signs nothing', () => {
    const basic = { type: 'basic' as const, username: '%account[user]%', password: '%account[secret]%' };
    const file = providerWith({ inbound: jsonInbound(basic) }, ['user', 'secret']);
    expect(() => receiverFor(file, { user: 'u' })).toThrow(/has no value for %account\[secret\]%/);
  });

  it('is refused at load when a template names an undeclared account parameter', () => {
    const file = providerWith({ inbound: jsonInbound({ ...hmacVerify, key: '%account[signingKey]%' }) });
    expect(() => providerFromValue(file, 'acme.json')).toThrow(/webhooks\/endpoints\/inbound\/verify\/key/);
  });

  it('is refused at load when a canonicaliser does not exist', () => {
    const file = providerWith({
      inbound: jsonInbound({ ...hmacVerify, message: [{ from: 'canonical', name: 'twilio' }] }),
    });
    expect(() => providerFromValue(file, 'acme.json')).toThrow(/is not a canonicaliser; known: urlPortVariants/);
  });

  it('accepts anyOf when one alternative has its values (key rotation), and verifies with either key', () => {
    const rotate: AnyOfRecipe = {
      type: 'anyOf',
      recipes: [hmacVerify, { ...hmacVerify, key: '%account[oldSecret]%' }],
    };
    const file = providerWith({ inbound: jsonInbound(rotate) }, ['secret', 'oldSecret']);
    const r = receiverFor(file, { secret: 'new', oldSecret: 's3cret' }, { now: () => NOW });
    const body = inboundBody();
    expect(r.receive(request(body)).ok).toBe(true);
    expect(r.receive(request(body, { 'x-acme-signature': sign(body, NOW / 1000, 'new') })).ok).toBe(true);
    expect(r.receive(request(body, { 'x-acme-signature': sign(body, NOW / 1000, 'other') })).ok).toBe(false);
  });
});
