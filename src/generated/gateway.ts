/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * The configuration of `switchboard serve`: a softphone backend that Acrobits apps call to send and fetch messages, sending through the provider account of each user.
 */
export interface GatewayFile {
  /**
   * Path or URL of this schema, so editors can validate and autocomplete the file.
   */
  $schema?: string;
  /**
   * The base URL the apps (and providers' webhooks) reach the gateway at, as seen from outside, e.g. https://sms.example.com. Must be https:// (the apps send their passwords in each request) unless it is a loopback address.
   */
  publicUrl: string;
  /**
   * The people who log in from an Acrobits app; each login is unique and each number belongs to one user.
   *
   * @minItems 1
   */
  users: [GatewayUser, ...GatewayUser[]];
  /**
   * Where messages and devices are stored: an SQLite file (one gateway process) or a PostgreSQL URL.
   */
  database: SqliteDatabase | PostgresDatabase;
  /**
   * Send through a BullMQ queue in Redis instead of in each process, so several gateway processes on several machines (on one PostgreSQL database) share the sending and the providers' rate limits. Each process puts the messages its app users send on the queue and runs a worker that takes messages from it. Requires a PostgreSQL database.
   */
  queue?: {
    /**
     * The Redis URL, redis://host:6379 or rediss:// (one Redis server, not a cluster); may be {"env": "NAME"} to read it from the environment. Run Redis with appendonly yes.
     */
    redis:
      | string
      | {
          /**
           * The environment variable that holds the URL.
           */
          env: string;
        };
    /**
     * The queue's name; every gateway process sharing one database uses the same. Default switchboard-gateway (kept apart from the `switchboard worker` queue, whose jobs differ).
     */
    name?: string;
    /**
     * Messages each gateway process sends at once from the queue. Default 8.
     */
    concurrency?: number;
  };
  /**
   * The push service that wakes the apps when a message arrives, described as a web service. Default: Acrobits' pnm2/send JSON API.
   */
  push?: {
    /**
     * Where pushes are POSTed. Default https://pnm.cloudsoftphone.com/pnm2/send.
     */
    url?: string;
    /**
     * The Content-Type of the push body. Default application/json.
     */
    contentType?: string;
    /**
     * The push body template; placeholders %verb%, %appId%, %deviceToken%, %selector%, %sms_id%, %sender%, %stream_id%, %sms_text%. Default: Acrobits' NotifyTextMessage JSON with the message's sms_id as Id.
     */
    postData?: string;
    /**
     * Tries per device for a push that fails for a transient reason (network, 5xx, 429), with doubling backoff. Default 4.
     */
    attempts?: number;
    /**
     * Send pushes at all. Default true.
     */
    enabled?: boolean;
    /**
     * Let the push carry the start of the message text (its first 100 characters, as %sms_text%) to the push service, so the phone can show it at once. false: %sms_text% is empty and the app shows the text only once it fetches the message from the gateway. The sender's number (%sender%) and the sms_id go in either case, unless postData leaves them out. Default true.
     */
    includeText?: boolean;
  };
  /**
   * Bounds on what one request may cost.
   */
  limits?: {
    /**
     * Largest request body accepted, in bytes; larger ones get 413. Default 65536.
     */
    bodyBytes?: number;
    /**
     * How long Send waits for the provider's answer before telling the app the message is pending (2xx). Keep it under the app's own timeout (about 30 s). Default 15000.
     */
    sendWaitMs?: number;
    /**
     * Messages older than this many days are deleted. Default: kept forever.
     */
    retentionDays?: number;
    /**
     * Most messages per direction in one Fetch answer, oldest first; the app's next fetch continues after them. Default 500.
     */
    fetchPageSize?: number;
    /**
     * Most bytes of message text (UTF-8) per direction in one Fetch answer; the app's next fetch continues after the last message sent. A single longer message still comes, alone. Default 262144 (256 KiB).
     */
    fetchPageBytes?: number;
  };
  /**
   * Pictures and other files of messages (MMS): downloaded from providers, kept in the database with their message, and served at signed URLs under publicUrl (docs/gateway.md, "Media").
   */
  media?: {
    /**
     * Largest attachment downloaded or accepted, in bytes; a larger one is refused (inbound: the message says which attachment is missing). Default 26214400 (25 MiB).
     */
    maxBytes?: number;
    /**
     * How long one download may take in all (connecting, redirects, every byte); a slower one is cut and retried. Default 60000.
     */
    timeoutMs?: number;
    /**
     * How many times an inbound attachment is downloaded before it is given up (with backoff between tries: 30 s, 2 min, 10 min, 1 h, …). Default 6.
     */
    attempts?: number;
    /**
     * Download media from loopback and private addresses too (an on-premises provider, tests). Default false: a media URL that resolves to such an address is refused, so a forged webhook cannot make the gateway read its own network.
     */
    allowPrivateNetworks?: boolean;
  };
  /**
   * Webhooks to your application: each inbound message and each status change of a message is written to a durable outbox in the same transaction as the message, then POSTed to every subscription that wants it, signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature), retried with exponential backoff and jitter, and dead-lettered after `retry.giveUpAfterMs`.
   */
  subscriptions?: GatewaySubscription[];
  /**
   * Keys of the HTTP API under /v1 (docs/http-api.md), for applications rather than apps. Each key sends from and reads the messages of its own numbers only. Made with `switchboard gateway api-key create`, which prints the key once and stores only its hash here; a gateway reads its keys at start.
   */
  apiKeys?: GatewayApiKey[];
  /**
   * Opt-outs (CTIA/FCC keywords): an inbound message that is one of the stop words records that its sender opted out of the number it was sent to, and every later send from that number to them is refused with RECIPIENT_OPTED_OUT before any provider request, until they send one of the start words. Help words only get the help reply. Provider error codes that mean opted out (declared in provider files) record it too. Default: on, with the CTIA list.
   */
  optOuts?: {
    /**
     * Read keywords from inbound messages. Default true. Opt-outs already recorded (or added with `switchboard gateway optouts add`) are honoured either way.
     */
    enabled?: boolean;
    /**
     * The words that opt a sender out, and the reply.
     */
    stop?: {
      /**
       * The words, matched against the whole message (letter case, surrounding spaces and trailing punctuation ignored). Default: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT.
       */
      keywords?: string[];
      /**
       * The text sent back through the provider when one of these words arrives; none by default (many providers send their own: Twilio answers STOP, START and HELP itself unless Advanced Opt-Out is turned off).
       */
      reply?: string;
    };
    /**
     * The words that opt a sender back in, and the reply.
     */
    start?: {
      /**
       * The words, matched against the whole message (letter case, surrounding spaces and trailing punctuation ignored). Default: START, UNSTOP.
       */
      keywords?: string[];
      /**
       * The text sent back through the provider when one of these words arrives; none by default (many providers send their own: Twilio answers STOP, START and HELP itself unless Advanced Opt-Out is turned off).
       */
      reply?: string;
    };
    /**
     * The words that ask for help, and the reply (say who you are and how to opt out).
     */
    help?: {
      /**
       * The words, matched against the whole message (letter case, surrounding spaces and trailing punctuation ignored). Default: HELP, INFO.
       */
      keywords?: string[];
      /**
       * The text sent back through the provider when one of these words arrives; none by default (many providers send their own: Twilio answers STOP, START and HELP itself unless Advanced Opt-Out is turned off).
       */
      reply?: string;
    };
  };
}
export interface GatewayUser {
  /**
   * The user name the app sends as %account[username]%; at most 64 characters (the gateway refuses longer ones in requests unchecked).
   */
  login: string;
  /**
   * The password as a salted scrypt hash, scrypt$N$r$p$salt$hash (salt and hash in base64); made by `switchboard gateway hash-password`. The password itself is never stored.
   */
  passwordHash: string;
  /**
   * The phone numbers the user owns, in E.164 (+ and digits); the first is the sender unless the app names another. Inbound messages to a number go to its owner.
   *
   * @minItems 1
   *
   * Items: A number in E.164, such as +15551230001.
   */
  numbers: [string, ...string[]];
  /**
   * The account file (JSON or Acrobits Account XML) or route file that sends for this user; a path relative to this file. Its `from` is replaced by the user's sending number.
   */
  account: string;
}
export interface SqliteDatabase {
  /**
   * Path of the SQLite file, relative to this file; created when missing.
   */
  sqlite: string;
}
export interface PostgresDatabase {
  /**
   * A PostgreSQL connection URL, postgres://user@host:5432/db; may be {"env": "NAME"} to read it from the environment.
   */
  postgres:
    | string
    | {
        /**
         * The environment variable that holds the URL.
         */
        env: string;
      };
}
export interface GatewaySubscription {
  /**
   * The subscription's name in `gateway deliveries`, metrics and logs; unique. Default: its URL without query or credentials. Deliveries are stored under it, so renaming a subscription leaves its pending deliveries behind (dead-lettered, replayable).
   */
  name?: string;
  /**
   * Where events are POSTed (application/json). Must be https:// unless it is a loopback address or `allowHttp` is true: the body carries message texts and numbers. Redirects are not followed.
   */
  url: string;
  /**
   * Allow a plain http:// URL to a host that is not loopback (a receiver on a private network). Default false.
   */
  allowHttp?: boolean;
  /**
   * The events this subscription receives: message.received (an inbound message was stored) and message.status (a message's delivery status moved).
   *
   * @minItems 1
   */
  events: ['message.received' | 'message.status', ...('message.received' | 'message.status')[]];
  /**
   * The signing secret, as Standard Webhooks defines it: whsec_ followed by the base64 of 24 to 64 random bytes (`openssl rand -base64 32`). May be {"env": "NAME"} to read it from the environment.
   */
  secret:
    | string
    | {
        /**
         * The environment variable that holds the secret.
         */
        env: string;
      };
  /**
   * Only messages of these users (logins). With `numbers` too, a message of either is delivered. Default: every message of the gateway.
   *
   * @minItems 1
   */
  users?: [string, ...string[]];
  /**
   * Only messages to or from these numbers of the gateway's users (E.164). Default: every message of the gateway.
   *
   * @minItems 1
   */
  numbers?: [string, ...string[]];
  /**
   * How long one delivery attempt may take, connecting included; a slower answer counts as a failure and is retried. Default 10000.
   */
  timeoutMs?: number;
  /**
   * Deliveries in flight to this URL at once, per gateway process. Default 4.
   */
  concurrency?: number;
  /**
   * When a failed delivery is tried again: after initialDelayMs, doubling up to maxDelayMs, each wait between half and all of that (jitter), until giveUpAfterMs after the event; then it is dead-lettered (`gateway deliveries replay` sends it again).
   */
  retry?: {
    /**
     * The wait after the first failure. Default 5000.
     */
    initialDelayMs?: number;
    /**
     * The longest wait between attempts. Default 3600000 (1 h).
     */
    maxDelayMs?: number;
    /**
     * How long after the event (or its replay) failed deliveries are retried before they are dead-lettered. Default 86400000 (24 h).
     */
    giveUpAfterMs?: number;
  };
}
export interface GatewayApiKey {
  /**
   * The key's name, unique in this file; it is the part of the key after sbk_ and before the next _, so the gateway finds the hash without trying each.
   */
  id: string;
  /**
   * The key's secret as a salted scrypt hash, scrypt$N$r$p$salt$hash, like a user's passwordHash; the key itself is never stored.
   */
  hash: string;
  /**
   * The numbers (each a user's) the key may send from; it reads only messages to and from them.
   *
   * @minItems 1
   *
   * Items: A number in E.164, such as +15551230001.
   */
  numbers: [string, ...string[]];
  /**
   * The provider accounts (account or route files, as users' `account` names them) the key may send through; a number whose owner sends through another account is refused. Default: any.
   *
   * @minItems 1
   */
  accounts?: [string, ...string[]];
  /**
   * Requests the key may make: `requests` per `perSeconds` seconds, in bursts of up to `requests`; beyond that 429 with Retry-After. Each gateway process counts on its own. Default 20 per second.
   */
  rateLimit?: {
    /**
     * Requests per period.
     */
    requests: number;
    /**
     * The period in seconds. Default 1.
     */
    perSeconds?: number;
  };
}
