/** `switchboard gateway hash-password | account-xml`: what an admin needs to configure the gateway and the apps. */
import { SwitchboardError } from '../../errors.js';
import { gatewayAccountXml } from '../../gateway/app/account-xml.js';
import { hashPassword } from '../../gateway/config/password.js';
import { loadGateway } from '../../gateway/config/load-gateway.js';
import { EXIT, str, type Command } from '../command.js';
import type { Io } from '../io.js';
import { readSecret } from '../read-secret.js';

export const gateway: Command = {
  name: 'gateway',
  summary: 'Configure the softphone backend: hash a user password, print the Account XML for the app',
  usage:
    'switchboard gateway hash-password  (reads the password from stdin, or asks)\n       switchboard gateway account-xml --config <gateway.json> --user <login>',
  help: [
    'hash-password         print a salted scrypt hash for a user\'s "passwordHash"; the password is read',
    '                      from standard input (one line) or asked for on the terminal, never from arguments',
    'account-xml           print the Acrobits Account XML that points the app at the gateway',
    '--config <file>       (account-xml) the gateway file',
    '--user <login>        (account-xml) the user; the app fills in their password',
  ],
  options: { config: { type: 'string' }, user: { type: 'string' } },
  positionals: true,
  async run(args, io) {
    const [action, ...rest] = args.positionals;
    if (rest.length > 0)
      throw new SwitchboardError(
        'USAGE',
        'the password is never given as an argument: pipe it in, or type it when asked',
      );
    if (action === 'hash-password') return hash(io);
    if (action === 'account-xml') {
      const config = str(args, 'config');
      const user = str(args, 'user');
      if (config === undefined || user === undefined)
        throw new SwitchboardError(
          'USAGE',
          'give the gateway file with --config <file> and the user with --user <login>',
        );
      io.out(gatewayAccountXml(await loadGateway(config, io.env), user));
      return EXIT.ok;
    }
    throw new SwitchboardError('USAGE', 'say what to do: hash-password or account-xml');
  },
};

async function hash(io: Io): Promise<number> {
  const password = await readSecret(io, 'Password: ');
  if (password === '') throw new SwitchboardError('USAGE', 'the password is empty');
  io.out(await hashPassword(password));
  return EXIT.ok;
}
