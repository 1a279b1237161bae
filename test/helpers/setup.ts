/** Builds providers and connectors from inline data for tests, against real loopback servers. */
import { accountFromValue } from '../../src/config/load-account.js';
import { providerFromValue } from '../../src/config/load-provider.js';
import { createConnector } from '../../src/connector/connector.js';
import type { ConnectorOptions } from '../../src/connector/options.js';
import type { ProviderFile, ServiceSpec } from '../../src/generated/provider.js';

import { afterEach } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../../src/fixtures/recording-server.js';

export { startRecordingServer };

/** A provider file with one sendMessage service, parameters username/password(secret)/from. */
export function providerWith(service: ServiceSpec, extra: Partial<ProviderFile> = {}): ProviderFile {
  return {
    id: 'test',
    name: 'Test provider',
    docs: 'https://example.com/docs',
    parameters: {
      username: { description: 'user', required: true },
      password: { description: 'secret', required: true, secret: true },
      from: { description: 'sender', phoneNumber: true },
    },
    numbers: { format: 'E164', defaultCountry: 'US' },
    services: { sendMessage: service },
    ...extra,
  };
}

/** A connector for `file` with account values, sending to `origin`. */
export function connect(file: ProviderFile, values: Record<string, string> = {}, options: ConnectorOptions = {}) {
  const provider = providerFromValue(file, 'test-provider');
  const account = accountFromValue(
    { provider: 'test', username: 'johndow', password: 's3cr&t pass', ...values },
    'test-account',
    undefined,
  );
  return createConnector({ provider, account, ...options });
}

/**
 * Loopback servers for one test file, closed after each test.
 * @example const server = useServers(); … const s = await server(() => ({ status: 200 }));
 */
export function useServers() {
  const servers: RecordingServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (answer: Parameters<typeof startRecordingServer>[0]): Promise<RecordingServer> => {
    const s = await startRecordingServer(answer);
    servers.push(s);
    return s;
  };
}
