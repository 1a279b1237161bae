/**
 * A loopback server that answers as the Acrobits web-service documentation shows, for every
 * service an account can define. Its variants (legacy XML, the unread_smss name, broken answers)
 * are chosen per test.
 */
import { startRecordingServer, type RecordedRequest, type Answer } from '../../src/fixtures/recording-server.js';

export interface AcrobitsServerOptions {
  /** Answer Balance and Rate checks in the legacy XML format. */
  legacy?: boolean;
  /** Name the received array unread_smss (the legacy name) instead of received_smss. */
  unreadName?: boolean;
  /** Replace the Fetch Messages answer. */
  fetchBody?: unknown;
}

const MESSAGES = [
  {
    sms_id: '101',
    sending_date: '2015-03-15T00:46:17Z',
    sender: '+15551231234',
    sms_text: 'Hello & "welcome" 🎉',
    content_type: 'text/plain',
    stream_id: 's1',
  },
  {
    sms_id: '102',
    sending_date: '2015-03-15T00:50:00+01:00',
    sender: '+15559876543',
    sms_text: 'Second',
    displayed: true,
  },
];
const SENT = [
  {
    sms_id: '201',
    sending_date: '2015-03-15T00:47:00Z',
    recipient: '+15551231234',
    sms_text: 'Reply',
    content_type: 'text/plain',
    disposition_notification: 'display',
  },
];

const json = (body: unknown, status = 200): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const xml = (body: string, status = 200): Answer => ({ status, headers: { 'content-type': 'text/xml' }, body });

export function startAcrobitsServer(options: AcrobitsServerOptions = {}) {
  return startRecordingServer((req: RecordedRequest) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    switch (url.pathname) {
      case '/send_message/':
        return { status: 200 };
      case '/fetch_messages/': {
        if (options.fetchBody !== undefined) return json(options.fetchBody);
        const request = JSON.parse(req.body) as { last_id: string; last_sent_id: string };
        const after = (list: { sms_id: string }[], last: string) =>
          list.filter((m) => Number(m.sms_id) > Number(last || 0));
        return json({
          date: '2015-03-15T01:00:00Z',
          [options.unreadName ? 'unread_smss' : 'received_smss']: after(MESSAGES, request.last_id),
          sent_smss: after(SENT, request.last_sent_id),
        });
      }
      case '/balance/':
        if (url.searchParams.get('username') !== 'johndow') return json({ message: 'Unknown user' }, 403);
        return options.legacy
          ? xml('<response>\n   <error>0</error>\n   <balanceString>$60.20</balanceString>\n</response>')
          : json({ balanceString: '$60.20', balance: 60.2, currency: 'USD' });
      case '/rate/':
        return options.legacy
          ? xml(
              `<response><error>0</error><rateString>${url.searchParams.get('targetNumber')} = EUR 0.0044 / min</rateString></response>`,
            )
          : json({
              callRateString: 'United States = EUR 0.0044 / min',
              messageRateString: 'EUR 0.01 / message',
              smartCallRateString: 'free',
              smartMessageRateString: 'free',
            });
      case '/token/':
        return { status: 200 };
      default:
        return json({ message: `No web service at ${url.pathname}` }, 404);
    }
  });
}
