/**
 * Issue 9, item 24: Tropo answers JSON or XML depending on the request, with `success` at the top
 * of the JSON but under `<session>` in XML. A condition may name several pointers; the first that
 * finds a value is tested.
 */
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../src/config/load-provider.js';
import { accountFromValue } from '../../src/config/load-account.js';
import { createConnector } from '../../src/connector/connector.js';
import { useServers } from '../helpers/setup.js';

const server = useServers();

async function tropo(contentType: string, body: string) {
  const s = await server(() => ({ status: 200, headers: { 'content-type': contentType }, body }));
  const provider = await loadProvider('tropo');
  const account = accountFromValue({ provider: 'tropo', password: 'my_messaging_token_id' }, 'account', undefined);
  const sb = createConnector({ provider, account, origin: s.origin });
  const [result] = await sb.sendMessage({ to: '4075551212', body: 'hi' });
  await sb.close();
  return result;
}

describe('Tropo, answered in JSON or in XML', () => {
  it('reads a JSON success and its id', async () => {
    const body = '{"success":true,"token":"my_messaging_token_id","id":"fa799203dabb4b7b2ac49cb4c64e919f\\n"}';
    expect(await tropo('application/json', body)).toMatchObject({
      ok: true,
      messageId: 'fa799203dabb4b7b2ac49cb4c64e919f',
    });
  });

  it('reads a JSON refusal and its reason', async () => {
    const body = '{"success":false,"token":"my_messaging_token_id","reason":"FAILED TO ROUTE TOKEN"}';
    expect(await tropo('application/json', body)).toMatchObject({ ok: false, error: 'FAILED TO ROUTE TOKEN' });
  });

  it('still reads the XML answer', async () => {
    const body = '<session><success>true</success><token>t</token><id>abc</id></session>';
    expect(await tropo('application/xml', body)).toMatchObject({ ok: true, messageId: 'abc' });
  });
});
