import { describe, expect, it } from 'vitest';
import { sigV4Headers } from '../../src/auth/sigv4.js';

describe('AWS Signature Version 4', () => {
  it('matches the get-vanilla case of the AWS SigV4 test suite', () => {
    const headers = sigV4Headers(
      { method: 'GET', url: 'https://example.amazonaws.com/', headers: {} },
      {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        region: 'us-east-1',
        service: 'service',
      },
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(headers).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
  });

  it('matches the get-vanilla-query-order-key-case of the AWS SigV4 test suite (query sorted)', () => {
    const headers = sigV4Headers(
      { method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', headers: {} },
      {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        region: 'us-east-1',
        service: 'service',
      },
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('signs an X-Amz-Target header the request carries (JSON-protocol APIs), so the target is covered by the signature', () => {
    const sign = (target: string) =>
      sigV4Headers(
        {
          method: 'POST',
          url: 'https://sms-voice.us-east-1.amazonaws.com/',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
          body: '{}',
        },
        {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
          region: 'us-east-1',
          service: 'sms-voice',
        },
        new Date('2015-08-30T12:36:00Z'),
      ).authorization ?? '';
    const one = sign('PinpointSMSVoiceV2.SendTextMessage');
    expect(one).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-target,');
    expect(sign('PinpointSMSVoiceV2.SendVoiceMessage')).not.toBe(one);
  });
});
