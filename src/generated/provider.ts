/* Generated from schemas/ by `npm run generate`. Do not edit by hand. */

/**
 * With phoneNumber: the non-phone shapes this value may have (an alphanumeric sender ID, a short code), passed as typed instead of failing at load, while phone numbers are still formatted. Same form as numbers.allowNonPhone, which is the default. Set it on a sender that may be a name, so that recipients can stay strict.
 */
export type NonPhoneShapes =
  | boolean
  | {
      /**
       * Channel prefixes accepted before a colon, lower case, such as whatsapp (whatsapp:+15551231234), messenger or sip (sip:alice@example.com). The address after the colon is passed as typed and may not be empty or contain spaces.
       */
      channels?: string[];
      /**
       * An alphanumeric id as senders use (GSM 03.38): 1 to 11 ASCII letters, digits and spaces, with at least one letter, such as MyShop.
       */
      alphanumeric?: boolean;
      /**
       * A short code: 3 to 8 digits with nothing else, such as 12345, when it is not a phone number of the default country.
       */
      shortCodes?: boolean;
      /**
       * Digits typed without + (separators allowed) that cannot be read as a number for lack of a country: passed as typed for a provider that reads them itself. Without it such a number needs defaultCountry.
       */
      nationalDigits?: boolean;
      /**
       * A regular expression for other ids the provider accepts in place of a number, such as group ids; it must match the whole value.
       */
      ids?: string;
    };
/**
 * The shapes of recipient that are not phone numbers but are passed through as typed (channel addresses such as whatsapp:+1… or sip:…, alphanumeric ids, short codes, national digits). Text of none of these shapes, and a phone number that is not possible, is always a per-recipient NUMBER_INVALID error. Also the default for phone-number parameters of the account; a sender that may be a name is better marked with its own allowNonPhone.
 */
export type NonPhoneShapes1 =
  | boolean
  | {
      /**
       * Channel prefixes accepted before a colon, lower case, such as whatsapp (whatsapp:+15551231234), messenger or sip (sip:alice@example.com). The address after the colon is passed as typed and may not be empty or contain spaces.
       */
      channels?: string[];
      /**
       * An alphanumeric id as senders use (GSM 03.38): 1 to 11 ASCII letters, digits and spaces, with at least one letter, such as MyShop.
       */
      alphanumeric?: boolean;
      /**
       * A short code: 3 to 8 digits with nothing else, such as 12345, when it is not a phone number of the default country.
       */
      shortCodes?: boolean;
      /**
       * Digits typed without + (separators allowed) that cannot be read as a number for lack of a country: passed as typed for a provider that reads them itself. Without it such a number needs defaultCountry.
       */
      nationalDigits?: boolean;
      /**
       * A regular expression for other ids the provider accepts in place of a number, such as group ids; it must match the whole value.
       */
      ids?: string;
    };
/**
 * Acrobits rewriting rules applied after formatting; the account's rules run first.
 */
export type RewritingRules = RewritingRule[];
/**
 * How the request authenticates. An API key in a header or the query needs no auth block: write it in `headers` or `url`.
 */
export type AuthSpec = PasswordAuth | BearerAuth | HmacAuth | AwsSigV4Auth | OAuth2ClientCredentialsAuth;
/**
 * none: the URL itself is the capability. basic: HTTP Basic with the templates given (usually the account's API credentials).
 */
export type MediaAuth =
  | {
      /**
       * none: no credentials.
       */
      type: 'none';
    }
  | {
      /**
       * basic: HTTP Basic.
       */
      type: 'basic';
      /**
       * User name template, e.g. %account[username]%.
       */
      username: string;
      /**
       * Password template, e.g. %account[password]%.
       */
      password: string;
    };
/**
 * How a request is proven to come from the provider, checked over the raw bytes before anything is parsed. One recipe, or `anyOf` several (key rotation, alternative schemes). There is no "none": a provider without signatures is verified with Basic credentials or a secret in the URL.
 */
export type WebhookVerify = HmacRecipe | Ed25519Recipe | JwtRecipe | BasicRecipe | UrlSecretRecipe | AnyOfRecipe;

/**
 * One messaging provider's HTTP API, described as data. Templates may use %sms_to%, %sms_body% and the other parameters of the service, the message facts %sms_encoding% (GSM-7 or UCS-2), %sms_parts% and %sms_length%, %account[KEY]% for any declared account parameter, globals such as %appid%, and functions such as %sha1(...)%.
 */
export interface ProviderFile {
  /**
   * Path or URL of this schema, so editors can validate and autocomplete the file.
   */
  $schema?: string;
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * Identifier of the provider; equals the file name without `.json`.
   */
  id: string;
  /**
   * Human name of the provider and API, shown in `switchboard providers`.
   */
  name: string;
  /**
   * One or two sentences: which API generation this is and anything an account owner must know.
   */
  description?: string;
  /**
   * URL of the provider's own API reference page for the services described here.
   */
  docs: string;
  /**
   * Account parameters the provider uses, by name. Templates refer to them as %account[NAME]%. Use the shared names where the meaning fits: `username` (account id, key id, login), `password` (its secret), `from` (sender).
   */
  parameters: {
    [k: string]: ParameterSpec;
  };
  numbers?: NumberRules;
  /**
   * Allow secret parameters to travel over plain http:// to a host that is not loopback. Off by default; turn on only for an API that offers no https.
   */
  allowInsecureSecrets?: boolean;
  /**
   * Parameters computed from others by a lookup table, usable as %NAME% in every template of the provider: for example the message's encoding to Vonage's type, {"type": {"from": "%sms_encoding%", "map": {"UCS-2": "unicode"}, "default": "text"}}.
   */
  derived?: {
    [k: string]: DerivedParameter;
  };
  messageLength?: MessageLengthRule;
  /**
   * Limits the provider documents, held before each request is sent: any number of them, each N requests (or message parts) per T seconds for each value of a key template. A request waits until every limit allows it.
   */
  rateLimits?: RateLimit[];
  media?: MediaRules;
  /**
   * The web services the provider offers, by Acrobits service name. sendMessage: Send one message to one recipient. Parameters: sms_to, sms_body, smart, content_type, disposition_notification. fetchMessages: Fetch new messages. Parameters: last_known_sms_id, last_known_sent_sms_id. balanceCheck: Check the account balance. rateCheck: Check the rate for a destination. Parameters: targetNumber, smartUri. pushTokenReporter: Report push tokens. Parameters: selector, pushToken, pushappid, pushTokenIncomingCall, pushappid_incoming_call, pushTokenOther, pushappid_other.
   */
  services: {
    sendMessage: ServiceSpec;
    fetchMessages?: ServiceSpec;
    balanceCheck?: ServiceSpec;
    rateCheck?: ServiceSpec;
    pushTokenReporter?: ServiceSpec;
  };
  webhooks?: WebhookSpec;
}
/**
 * One account parameter the provider needs.
 */
export interface ParameterSpec {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * What the value is and where the user finds it in the provider's console.
   */
  description: string;
  /**
   * The account must supply a value (or the provider a default). Checked when the connector is created.
   */
  required?: boolean;
  /**
   * The value is a credential: masked as **** in errors, logs and renders, and never sent over plain http to a non-loopback host.
   */
  secret?: boolean;
  /**
   * The value is a phone number: it goes through the same parsing, formatting and rewriting as the recipient.
   */
  phoneNumber?: boolean;
  allowNonPhone?: NonPhoneShapes;
  /**
   * Value used when the account gives none.
   */
  default?: string;
  /**
   * An example value, shown in help and used by `switchboard init`.
   */
  example?: string;
}
/**
 * How phone numbers (the recipient and any parameter marked phoneNumber) are parsed, formatted and rewritten before they are placed in a request.
 */
export interface NumberRules {
  /**
   * Output form. E164: +15551231234. E164_NO_PLUS: 15551231234. INTERNATIONAL_00: 0015551231234. NATIONAL: the number as dialled inside its country, digits only (5551231234 in the US, 07700900123 in the UK). DIGITS: the typed number with every non-digit removed, not parsed. AS_TYPED: exactly as typed, not parsed (Acrobits' behaviour). Default E164.
   */
  format?: 'E164' | 'E164_NO_PLUS' | 'INTERNATIONAL_00' | 'NATIONAL' | 'DIGITS' | 'AS_TYPED';
  /**
   * ISO 3166-1 alpha-2 country assumed for numbers typed without a country code; the account's defaultCountry wins over it.
   */
  defaultCountry?: string;
  allowNonPhone?: NonPhoneShapes1;
  rewriting?: RewritingRules;
}
/**
 * One rule: every condition must hold for its actions to run.
 */
export interface RewritingRule {
  /**
   * Conditions on the number as it is when the rule is tried. All must hold. An empty list always matches.
   */
  conditions?: RewritingCondition[];
  /**
   * Actions applied in order when the rule matches.
   */
  actions?: RewritingAction[];
}
/**
 * One test on the number. Lengths count every character, a leading `+` included.
 */
export interface RewritingCondition {
  /**
   * startsWith / doesntStartWith / equals / contains compare with `param` as text; lengthEquals / shorterThan / longerThan compare the length with the number in `param`; numeric holds when the number is only digits, optionally after one leading `+`.
   */
  type:
    | 'startsWith'
    | 'doesntStartWith'
    | 'equals'
    | 'contains'
    | 'lengthEquals'
    | 'shorterThan'
    | 'longerThan'
    | 'numeric';
  /**
   * The text or length the condition compares with. Not used by `numeric`.
   */
  param?: string;
}
/**
 * One change to the number. `replace` swaps the span the first matching text condition matched (the prefix for startsWith, the whole number for equals, the first occurrence for contains; the whole number when no such condition) for `param`; `prepend` and `append` add `param`; `tryOthers` lets the following rules run on the rewritten number. Call-routing actions of Acrobits (overrideDialAction, setHeader, callThrough, ...) are accepted and ignored.
 */
export interface RewritingAction {
  /**
   * replace, prepend, append or tryOthers; any other name is a call-routing action, kept and ignored for messages.
   */
  type: string;
  /**
   * The text the action inserts.
   */
  param?: string;
}
export interface DerivedParameter {
  /**
   * What the value means.
   */
  description?: string;
  /**
   * Template whose value is looked up, e.g. %sms_encoding%.
   */
  from: string;
  /**
   * Values of `from` to the value of this parameter: each a template, rendered without escaping (a constant, or e.g. %utf16beHex(%sms_body%)% for one encoding and %sms_body% for another).
   */
  map: {
    [k: string]: string;
  };
  /**
   * Value when `from` is not in `map`, a template like the map's values; without it the value of `from` is used as is.
   */
  default?: string;
}
/**
 * The longest message the provider takes in one request, and what to do with a longer one. Lengths count GSM-7 septets (an extension character such as € or { counts 2) when the text fits GSM-7, else UTF-16 units (UCS-2); with unit utf8-bytes they count the bytes of the text in UTF-8.
 */
export interface MessageLengthRule {
  /**
   * Largest length in `unit`s: one number for every encoding, or one per encoding, e.g. {"GSM-7": 1600, "UCS-2": 737}.
   */
  max: number | MaxByEncoding;
  /**
   * characters (septets or UTF-16 units, see above), segments (SMS parts: 160/153 GSM-7, 70/67 UCS-2), or utf8-bytes (bytes of the text in UTF-8, for APIs that count bytes: é counts 2, an emoji 4). Default characters.
   */
  unit?: 'characters' | 'segments' | 'utf8-bytes';
  /**
   * send: send as is and let the provider decide (default); refuse: fail that message with MESSAGE_TOO_LONG; truncate: cut it to the limit; split: send it as several messages, each within the limit.
   */
  overflow?: 'send' | 'refuse' | 'truncate' | 'split';
}
/**
 * Largest length for a text that fits GSM-7, and for one that needs UCS-2.
 */
export interface MaxByEncoding {
  /**
   * Largest length of a text that fits GSM-7.
   */
  'GSM-7': number;
  /**
   * Largest length of a text that needs UCS-2.
   */
  'UCS-2': number;
}
export interface RateLimit {
  /**
   * The limit in the provider's words, e.g. "1 sms per number per second".
   */
  description?: string;
  /**
   * How many requests (or parts, see count) may start in any window of perSeconds.
   */
  requests: number;
  /**
   * Length of the window in seconds.
   */
  perSeconds: number;
  /**
   * Template naming what the limit is counted per: %account[username]% for the account, %account[from]% for the sending number, %sms_to% for the recipient; a constant such as "all" for one global limit.
   */
  key: string;
  /**
   * requests (default), or parts when the provider counts each SMS segment of a long message.
   */
  count?: 'requests' | 'parts';
}
/**
 * The provider sends pictures and other files (MMS) fetched from URLs: its documented limits, checked before any request, and where the attachments go. Without this block the provider takes no media, and a message with attachments gets the account's mediaFallback (refuse, or the text with the links appended). Templates of sendMessage (and of `service`) place attachments with %media_url%, %media_content_type%, %media_filename%, %media_size% (the first attachment) and %media_count%, or every attachment with a {"$media": ...} node in a structured body (see docs/provider-files.md). `service`: the web service used instead of sendMessage for a message with attachments, when the provider sends MMS through another endpoint or another body shape; it takes the same parameters as sendMessage.
 */
export interface MediaRules {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * The provider's media rules in its own words, e.g. "up to 10 files, 5 MB in total, US and Canada only".
   */
  description?: string;
  /**
   * URL of the provider's page about sending media.
   */
  docs?: string;
  /**
   * The most attachments one message may carry.
   */
  maxCount?: number;
  /**
   * The largest attachment, in bytes (checked where the attachment gives its size).
   */
  maxBytes?: number;
  /**
   * The most bytes of attachments in one message (checked where every attachment gives its size).
   */
  maxTotalBytes?: number;
  /**
   * The MIME types the provider accepts, such as image/jpeg, or a whole class such as image/*; an attachment that names another type cannot go. Without it every type may go.
   *
   * @minItems 1
   */
  contentTypes?: [string, ...string[]];
  /**
   * The destinations that receive media, as ISO 3166-1 alpha-2 codes (most MMS reaches only the US and Canada); a recipient elsewhere gets the account's mediaFallback. Without it every destination may.
   *
   * @minItems 1
   */
  countries?: [string, ...string[]];
  service?: ServiceSpec;
}
/**
 * One HTTP operation, as in Acrobits' web-service definition.
 */
export interface ServiceSpec {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * URL template including scheme, possibly with a query string. Placeholders are percent-encoded for the URL part they stand in.
   */
  url: string;
  /**
   * HTTP method. Default: POST when postData or body is set, GET otherwise.
   */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /**
   * Content-Type of the request body; decides how placeholders in postData are escaped (form, JSON, XML, or as is). Default application/x-www-form-urlencoded.
   */
  contentType?: string;
  /**
   * Body template as text, like Acrobits' PostData, e.g. `to=%sms_to%&body=%sms_body%` or a JSON document with placeholders inside strings.
   */
  postData?: string;
  /**
   * Body as structure instead of text: an object or array whose string leaves are templates. Serialised as JSON or as a form (flat object only) according to contentType.
   */
  body?: {} | unknown[];
  /**
   * Leave out fields of a structured body whose value renders empty (for optional values such as a sender the provider otherwise takes from the account's settings): true for every field, or a list of JSON Pointers to the fields that may be left out (e.g. ["/StatusCallback"], ["/messages/0/notifyUrl"]) while the others are always sent. Default false: every field is sent.
   */
  omitEmpty?: boolean | [string, ...string[]];
  /**
   * Extra request headers; values are templates. A value containing CR or LF is refused.
   */
  headers?: {
    [k: string]: string;
  };
  auth?: AuthSpec;
  /**
   * Milliseconds for the whole exchange: waiting for a connection, sending, the response headers and the whole body. A deadline passed after the request was sent is an ambiguous TIMEOUT_RESPONSE. An auth challenge answered (Basic or Digest after a 401) is a second exchange with a deadline of its own. Default 10000.
   */
  timeout?: number;
  /**
   * The provider recognises a repeated request by a value filled from %message_id% (an idempotency-key header, or a client reference it deduplicates on), so a request that may have arrived without an answer (a timeout after sending, a reset connection) can be sent again safely. The service must use %message_id%.
   */
  idempotent?: boolean;
  response?: ResponseRules;
}
export interface PasswordAuth {
  /**
   * basic: HTTP Basic, sent with the first request. digest: wait for the server's challenge and answer it (Digest, or Basic if that is what the server asks for), as Acrobits apps do.
   */
  type: 'basic' | 'digest';
  /**
   * User name template, e.g. %account[username]%.
   */
  username: string;
  /**
   * Password template, e.g. %account[password]%.
   */
  password: string;
}
export interface BearerAuth {
  /**
   * bearer: `Authorization: Bearer <token>`.
   */
  type: 'bearer';
  /**
   * Token template, e.g. %account[password]%.
   */
  token: string;
}
export interface HmacAuth {
  /**
   * hmac: sign each request with an HMAC over a string built from the request, and send the signature in headers (Azure Communication Services, TeleSign, SMSGlobal MAC, ...).
   */
  type: 'hmac';
  /**
   * Digest of the HMAC. Default sha256.
   */
  algorithm?: 'sha256' | 'sha1' | 'sha512';
  /**
   * Template of the secret key, e.g. %account[password]%.
   */
  key: string;
  /**
   * How the key text becomes bytes: utf8 (default), base64 or hex.
   */
  keyEncoding?: 'utf8' | 'base64' | 'hex';
  /**
   * Template of the signed string. Besides the service's parameters it may use the request facts %request_method%, %request_url%, %request_host% (host[:port] as in the URL), %request_hostname%, %request_port% (443 or 80 when the URL names none), %request_path%, %request_query%, %request_path_and_query%, %request_content_type%, %request_body%, %body_sha256_base64%, %body_sha256_hex%, %body_md5_base64%, %request_date_rfc1123%, %request_date_iso%, %request_timestamp% (Unix seconds), %request_nonce% (32 fresh random hex digits).
   */
  stringToSign: string;
  /**
   * How the signature is written: base64 (default) or hex.
   */
  signatureEncoding?: 'base64' | 'hex';
  /**
   * Headers to add, by name; values are templates that may use %signature% and the request facts, e.g. {"Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=%signature%"}.
   */
  headers: {
    [k: string]: string;
  };
}
export interface AwsSigV4Auth {
  /**
   * aws-sigv4: AWS Signature Version 4, signing the method, path, query, host, x-amz-date, content type and body.
   */
  type: 'aws-sigv4';
  /**
   * The AWS service name in the credential scope, e.g. sns.
   */
  service: string;
  /**
   * Template of the region, e.g. %account[region]%.
   */
  region: string;
  /**
   * Template of the access key id, e.g. %account[username]%.
   */
  accessKeyId: string;
  /**
   * Template of the secret access key, e.g. %account[password]%.
   */
  secretAccessKey: string;
  /**
   * Template of a session token for temporary credentials (sent as x-amz-security-token when not empty).
   */
  sessionToken?: string;
}
export interface OAuth2ClientCredentialsAuth {
  /**
   * oauth2: fetch an access token with the OAuth 2.0 client-credentials grant, cache it until it expires, and send it as a bearer token.
   */
  type: 'oauth2';
  /**
   * URL of the token endpoint (a template).
   */
  tokenUrl: string;
  /**
   * Template of the client id, e.g. %account[username]%.
   */
  clientId: string;
  /**
   * Template of the client secret, e.g. %account[password]%.
   */
  clientSecret: string;
  /**
   * Scope to ask for, if the provider wants one.
   */
  scope?: string;
  /**
   * How the client authenticates to the token endpoint: basic (HTTP Basic, the default) or body (client_id and client_secret in the form).
   */
  clientAuth?: 'basic' | 'body';
}
/**
 * How the answer is read. Success is a 2xx status and every condition in `success`; the error text is the first non-empty `error` entry, else a `message` field, else the first 100 characters of the body.
 */
export interface ResponseRules {
  /**
   * How to parse the body for pointers. auto: by Content-Type, then by the first character. delimited: a one-line text answer whose fields are split at `separator` and trimmed, addressed as /0, /1, … (success | 919898989898 | 3562707498794989059-328736121207676738). Default auto.
   */
  format?: 'auto' | 'json' | 'xml' | 'text' | 'delimited';
  /**
   * With format delimited: the text between fields. Default |.
   */
  separator?: string;
  /**
   * Conditions on the parsed body that must all hold, besides a 2xx status, for the send to count as successful.
   */
  success?: BodyCondition[];
  /**
   * JSON Pointer(s) (RFC 6901) to the provider's id for the message; the first present one is used. XML bodies are addressed through their root element, e.g. /response/id.
   */
  messageId?: string | string[];
  /**
   * A regular expression (RE2) whose first capture group is the provider's id: in the text at messageId, or in the whole body when the body is not JSON or XML (Jasmin answers the text Success "<id>"). Without a match the result has no message id.
   */
  messageIdPattern?: string;
  /**
   * Where the error text is, tried in order before the default `message` field: a JSON Pointer, or {"join": [pointers], "separator": ": "} for a text made of several fields (those that are present, each once).
   */
  error?: (string | JoinedErrorText)[];
  /**
   * HTTP statuses that are worth retrying besides 408, 429, 502, 503 and 504. A 502 or 504 stays ambiguous (a gateway may have handed the message over), so it is retried only where the service is idempotent.
   */
  retryableStatus?: number[];
  messages?: MessageListMapping;
  /**
   * Where named values are in the body, for services that return data: balanceCheck reads balanceString, balance, currency; rateCheck reads callRateString, messageRateString, smartCallRateString, smartMessageRateString. Each name maps to a JSON Pointer or a list tried in order; without it the Acrobits formats (JSON, and the legacy XML <response>) are read.
   */
  fields?: {
    [k: string]: string | [string, ...string[]];
  };
  errorCodes?: ErrorCodeTable;
}
/**
 * A test on the value a JSON Pointer finds in the body. Values compare as text, so 0 equals "0".
 */
export interface BodyCondition {
  /**
   * JSON Pointer into the parsed body, or a list of pointers of which the first that finds a value is tested (for a provider that answers JSON or XML depending on the request, e.g. ["/session/success", "/success"]).
   */
  pointer: string | [string, ...string[]];
  /**
   * The value must equal this.
   */
  equals?: string | number | boolean;
  /**
   * The value must equal one of these.
   *
   * @minItems 1
   */
  in?: [string | number | boolean, ...(string | number | boolean)[]];
  /**
   * The value must be present and equal none of these (a missing value does not hold).
   *
   * @minItems 1
   */
  notIn?: [string | number | boolean, ...(string | number | boolean)[]];
  /**
   * The value must match this regular expression (JavaScript syntax, an unanchored search). It is matched by RE2 (re2js) in time linear in the value's length, so patterns RE2 cannot match that way (lookahead, lookbehind, backreferences) and patterns that compile to more than 2000 steps are refused at load.
   */
  matches?: string;
  /**
   * true: the pointer must find a value; false: it must find none.
   */
  exists?: boolean;
}
/**
 * An error text joined from several fields, e.g. a title and a detail.
 */
export interface JoinedErrorText {
  /**
   * JSON Pointers to the parts, in order; parts that are missing or empty, or repeat an earlier part, are left out. Used when at least one part is present.
   *
   * @minItems 2
   */
  join: [string, string, ...string[]];
  /**
   * Text between the parts. Default ": ". After a part that already ends in . ! ? or : a single space is used instead.
   */
  separator?: string;
}
/**
 * For fetchMessages: where the messages are in the body and how to read each one. Without it the Acrobits Fetch Messages format is read (received_smss or unread_smss, and sent_smss, with sms_id, sending_date, sender or recipient, sms_text, ...). A provider whose list API is shaped differently maps it here.
 */
export interface MessageListMapping {
  /**
   * JSON Pointer to the server's date of the answer, if any.
   */
  date?: string;
  /**
   * The arrays of messages in the body and which way their messages went; a list given as both may use `direction` to tell them apart per message.
   *
   * @minItems 1
   */
  lists: [MessageListSource, ...MessageListSource[]];
  direction?: DirectionRule;
  fields: MessageFields;
}
export interface MessageListSource {
  /**
   * JSON Pointer to an array of messages. A missing array is read as empty, but at least one array must be present.
   */
  pointer: string;
  /**
   * received or sent; `mixed` decides per message with the mapping's `direction` rule.
   */
  direction: 'received' | 'sent' | 'mixed';
}
/**
 * For mixed lists: a message is sent when the value at `pointer` (relative to the message) is one of `sent`, and received otherwise.
 */
export interface DirectionRule {
  /**
   * JSON Pointer into one message.
   */
  pointer: string;
  /**
   * Values that mark a message as sent by this account.
   *
   * @minItems 1
   */
  sent: [string, ...string[]];
}
/**
 * JSON Pointers into one message for each field of the normalised model. smsId, sendingDate and text are required.
 */
export interface MessageFields {
  /**
   * The message's id (Acrobits sms_id).
   */
  smsId: string;
  /**
   * When it was sent: an ISO 8601 / RFC 3339 or RFC 2822 date (Acrobits sending_date).
   */
  sendingDate: string;
  /**
   * Who sent a received message (Acrobits sender).
   */
  sender?: string;
  /**
   * Who a sent message went to (Acrobits recipient).
   */
  recipient?: string;
  /**
   * The message text (Acrobits sms_text).
   */
  text: string;
  /**
   * Its content type (Acrobits content_type); text/plain when absent.
   */
  contentType?: string;
  /**
   * Acrobits disposition_notification.
   */
  dispositionNotification?: string;
  /**
   * Whether it was displayed (Acrobits displayed): true, false, 1 or 0.
   */
  displayed?: string;
  /**
   * The conversation it belongs to (Acrobits stream_id).
   */
  streamId?: string;
}
/**
 * The provider's own error codes: where the code is in the body, and for each code a short text for people and whether it is worth retrying; and the meaning of HTTP statuses, for providers whose status is the error code. A code found in a failed response sets the result's providerCode; a listed code (else a listed status) replaces the error text (the provider's own text follows after a colon) and decides retryable.
 */
export interface ErrorCodeTable {
  /**
   * JSON Pointer(s) to the code, tried in order, e.g. /code or /messages/0/status.
   */
  pointer?: string | [string, ...string[]];
  /**
   * Codes (as text) to their meaning.
   */
  codes?: {
    [k: string]: ErrorCodeMeaning;
  };
  /**
   * HTTP statuses (as text, e.g. "402") of failed responses to their meaning, used when the body holds no listed code: e.g. {"402": {"text": "Not enough message credits", "retryable": false}}.
   */
  statuses?: {
    [k: string]: ErrorCodeMeaning;
  };
}
/**
 * What one provider code or HTTP status means.
 */
export interface ErrorCodeMeaning {
  /**
   * Short text for people, e.g. "Invalid recipient number".
   */
  text?: string;
  /**
   * Whether sending again later may succeed (throttled, temporarily unavailable).
   */
  retryable?: boolean;
  /**
   * The code means the recipient opted out of messages from this sender (replied STOP): the result's code is RECIPIENT_OPTED_OUT, never retryable, and a connector given a suppression store records the opt-out there, so the next message is refused without a request.
   */
  optedOut?: boolean;
}
/**
 * How the provider calls back: its webhook endpoints (an inbound message, a delivery report, or typed events on one endpoint), each with how to verify it over the raw request, how to read its events, and what to answer. Account parameters used only here (a signing secret, a public key, callback credentials) are declared in `parameters` like any other, with `secret: true` where secret and `required: false` (sending does not need them).
 */
export interface WebhookSpec {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * Where in the provider console the webhook URLs and secrets are set, in a sentence or two.
   */
  description?: string;
  /**
   * URL of the provider's own page about these webhooks (formats and signatures).
   */
  docs?: string;
  mediaAccess?: MediaAccess;
  /**
   * The endpoints by name (lower-case, used as the last segment of the URL a gateway gives the provider, and by `switchboard webhook --endpoint`). Typical names: inbound, status, events.
   */
  endpoints: {
    [k: string]: WebhookEndpoint;
  };
}
/**
 * How the media URLs of inbound messages are fetched: with which credentials, from which hosts, and for how long they work. A gateway downloads only from these hosts and sends the credentials only to `hosts`, never after a redirect to another host.
 */
export interface MediaAccess {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * The provider's words on fetching media, and where each fact comes from.
   */
  description?: string;
  /**
   * URL of the provider's page about its media URLs.
   */
  docs?: string;
  auth: MediaAuth;
  /**
   * Host patterns a media URL may name: a host (api.twilio.com), *.domain for any host under it, or * for any public host (a provider whose media hosts are not documented). Credentials go only to these.
   *
   * @minItems 1
   */
  hosts: [string, ...string[]];
  /**
   * Host patterns a media URL may redirect to besides `hosts` (a CDN, a storage bucket); fetched without credentials.
   */
  redirectHosts?: string[];
  /**
   * How long a media URL works: until-deleted (the provider keeps it until the account deletes it), a number of seconds, or unknown (short-lived: copy it at once).
   */
  lifetime: ('until-deleted' | 'unknown') | number;
}
/**
 * One URL the provider calls: verify, then read, then answer.
 */
export interface WebhookEndpoint {
  /**
   * A note for people editing the file; ignored by the engine.
   */
  $comment?: string;
  /**
   * What the provider sends here and where it is configured.
   */
  description?: string;
  /**
   * HTTP methods the provider uses for this endpoint; another method is refused as WEBHOOK_MALFORMED. Default ["POST"].
   *
   * @minItems 1
   */
  methods?: ['GET' | 'POST' | 'PUT', ...('GET' | 'POST' | 'PUT')[]];
  when?: WebhookCondition;
  /**
   * Largest body accepted, in bytes; a larger one is refused as WEBHOOK_TOO_LARGE before anything else. Default 1048576 (1 MiB).
   */
  maxBytes?: number;
  verify: WebhookVerify;
  read: WebhookRead;
  answer: WebhookAnswer;
}
/**
 * When no endpoint is named by the caller, the first endpoint (in file order) whose condition holds takes the request; an endpoint without `when` takes any. A condition holds when the field is present (and, with `equals`, has that value).
 */
export interface WebhookCondition {
  field: FieldSource;
  /**
   * The value the field must have; without it, presence is enough.
   */
  equals?: string;
}
/**
 * Where one value is read: exactly one of form, query, param, json, item, within, header, literal, digest. param is a parameter wherever the request puts it (format params); json is a JSON Pointer into the current event (the whole body, or one element of `each`); item a JSON Pointer into the current element of an event's own `each`.
 */
export interface FieldSource {
  /**
   * Form key in the body.
   */
  form?: string;
  /**
   * Query key in the URL.
   */
  query?: string;
  /**
   * With format params: the parameter's name, read from the query of a GET, a top-level value of a JSON object body, or the form pairs.
   */
  param?: string;
  /**
   * JSON Pointer into the event.
   */
  json?: string;
  /**
   * JSON Pointer into the element of the event's `each`.
   */
  item?: string;
  /**
   * JSON Pointer into the element of the event's `eachWithin` ("" for the element itself, e.g. a recipient's number).
   */
  within?: string;
  /**
   * Request header name.
   */
  header?: string;
  /**
   * A constant.
   */
  literal?: string;
  /**
   * For providers that send no id for an event: the lowercase hex SHA-256 of the listed fields (each read with its own rules, then length-prefixed, so no value passes for a separator), e.g. sender, recipient, receipt time and text. Absent when any listed field is absent. List a field that differs between two genuine events (a time), since two events with equal fields get the same id and the second is taken as a redelivery.
   *
   * @minItems 1
   */
  digest?: [FieldSource, ...FieldSource[]];
  /**
   * With digest: the digest identifies the event only for this many seconds after it is first seen, for providers that send neither an id nor a time. A redelivery within the window is recognised; the same fields after it are a new event (a second genuine "Yes"). Events read through such a digest carry dedupeWindowSeconds, and a store remembers their key only that long, so an identical text within the window is taken as a redelivery.
   */
  windowSeconds?: number;
  /**
   * A phone number: written in E.164 when it is one (with the account's default country), kept as sent otherwise (short codes, names).
   */
  number?: boolean;
  /**
   * With number: the provider writes international numbers without the leading + (447700900000); such digits are read as +447700900000 when that is a possible number.
   */
  noPlus?: boolean;
  /**
   * A time, output as ISO 8601 UTC: iso8601, unixSeconds, unixMillis, or utcDateTime (YYYY-MM-DD HH:MM:SS[.fff] in UTC).
   */
  time?: 'iso8601' | 'unixSeconds' | 'unixMillis' | 'utcDateTime';
  /**
   * Value when the field is absent.
   */
  default?: string;
  else?: FieldSource1;
}
/**
 * Where to read the value when this source is absent or empty (before default): e.g. our message id from the status callback URL's ?sb= query key, else from a client reference the provider echoes.
 */
export interface FieldSource1 {
  /**
   * Form key in the body.
   */
  form?: string;
  /**
   * Query key in the URL.
   */
  query?: string;
  /**
   * With format params: the parameter's name, read from the query of a GET, a top-level value of a JSON object body, or the form pairs.
   */
  param?: string;
  /**
   * JSON Pointer into the event.
   */
  json?: string;
  /**
   * JSON Pointer into the element of the event's `each`.
   */
  item?: string;
  /**
   * JSON Pointer into the element of the event's `eachWithin` ("" for the element itself, e.g. a recipient's number).
   */
  within?: string;
  /**
   * Request header name.
   */
  header?: string;
  /**
   * A constant.
   */
  literal?: string;
  /**
   * For providers that send no id for an event: the lowercase hex SHA-256 of the listed fields (each read with its own rules, then length-prefixed, so no value passes for a separator), e.g. sender, recipient, receipt time and text. Absent when any listed field is absent. List a field that differs between two genuine events (a time), since two events with equal fields get the same id and the second is taken as a redelivery.
   *
   * @minItems 1
   */
  digest?: [FieldSource, ...FieldSource[]];
  /**
   * With digest: the digest identifies the event only for this many seconds after it is first seen, for providers that send neither an id nor a time. A redelivery within the window is recognised; the same fields after it are a new event (a second genuine "Yes"). Events read through such a digest carry dedupeWindowSeconds, and a store remembers their key only that long, so an identical text within the window is taken as a redelivery.
   */
  windowSeconds?: number;
  /**
   * A phone number: written in E.164 when it is one (with the account's default country), kept as sent otherwise (short codes, names).
   */
  number?: boolean;
  /**
   * With number: the provider writes international numbers without the leading + (447700900000); such digits are read as +447700900000 when that is a possible number.
   */
  noPlus?: boolean;
  /**
   * A time, output as ISO 8601 UTC: iso8601, unixSeconds, unixMillis, or utcDateTime (YYYY-MM-DD HH:MM:SS[.fff] in UTC).
   */
  time?: 'iso8601' | 'unixSeconds' | 'unixMillis' | 'utcDateTime';
  /**
   * Value when the field is absent.
   */
  default?: string;
  else?: FieldSource1;
}
/**
 * An HMAC (or a plain hash with the key appended) over a template of request facts, compared in constant time.
 */
export interface HmacRecipe {
  /**
   * hmac
   */
  type: 'hmac';
  /**
   * Hash function.
   */
  algorithm: 'sha1' | 'sha256' | 'sha512' | 'md5';
  /**
   * hmac (default): HMAC(key, message); hashWithKeyAppended: hash(message + key).
   */
  mode?: 'hmac' | 'hashWithKeyAppended';
  /**
   * Template of the key, e.g. %account[password]%.
   */
  key: string;
  /**
   * How the key text is turned into bytes: utf8 (default), base64 or hex.
   */
  keyEncoding?: 'utf8' | 'base64' | 'hex';
  /**
   * Text removed from the start of the key before decoding, e.g. whsec_.
   */
  keyPrefix?: string;
  /**
   * The signed message, piece by piece.
   *
   * @minItems 1
   */
  message: [SignedPart, ...SignedPart[]];
  signature: SignatureLocation;
  timestamp?: SignedTimestamp;
  bodyHash?: BodyHashCheck;
}
/**
 * One piece of the signed message; the pieces are concatenated in order. header/form/query: the value of field `name` (empty when absent); literal: `value`; rawBody: the body bytes as received; rawBodyHash: the digest of those bytes by the hash `name` (sha1, sha256, sha512), as raw bytes; url: the full URL as the provider called it; canonical: the output of the named canonicaliser (see docs/receiving-webhooks.md), which may give several candidates (any one may match).
 */
export interface SignedPart {
  /**
   * Where the piece comes from.
   */
  from: 'header' | 'form' | 'query' | 'json' | 'literal' | 'rawBody' | 'rawBodyHash' | 'url' | 'canonical';
  /**
   * Header name, form or query key, JSON Pointer, or canonicaliser name.
   */
  name?: string;
  /**
   * The text of a literal piece.
   */
  value?: string;
}
/**
 * Where the signature is and how it is written.
 */
export interface SignatureLocation {
  /**
   * header, form key, query key, or param: a parameter of the request wherever the method and content type put it (the query of a GET, a top-level value of a JSON object body, else a form key).
   */
  from: 'header' | 'form' | 'query' | 'param';
  /**
   * Its name, e.g. X-Twilio-Signature.
   */
  name: string;
  /**
   * How the signature bytes are written.
   */
  encoding: 'base64' | 'hex' | 'base64url';
  /**
   * Text before each signature, removed before comparing, e.g. sha256= or v1,. A signature without it does not match.
   */
  prefix?: string;
  /**
   * The field holds several signatures separated by this text (any one may match), e.g. "," or " ".
   */
  separator?: string;
}
/**
 * A timestamp the provider signs; a request outside the skew is refused as a replay.
 */
export interface SignedTimestamp {
  /**
   * header, form key, query key, or param: a parameter of the request wherever the method and content type put it (the query of a GET, a top-level value of a JSON object body, else a form key).
   */
  from: 'header' | 'form' | 'query' | 'param';
  /**
   * Its name, e.g. telnyx-timestamp.
   */
  name: string;
  /**
   * seconds (default) or milliseconds since 1970.
   */
  unit?: 'seconds' | 'milliseconds';
  /**
   * How far from now the timestamp may be, either way.
   */
  skewSeconds: number;
}
/**
 * The provider signs only the URL and puts a hash of the body in a query key of it; the body must hash to that value.
 */
export interface BodyHashCheck {
  /**
   * The query key holding the hash, e.g. bodySHA256. The check applies only when the URL has it, unless required.
   */
  query: string;
  /**
   * The URL must carry the hash: for an endpoint whose bodies are always JSON, a request without it would have an unsigned body, so it is refused.
   */
  required?: boolean;
  /**
   * Hash function.
   */
  algorithm: 'sha1' | 'sha256' | 'sha512';
  /**
   * How the hash is written.
   */
  encoding: 'hex' | 'base64';
}
/**
 * An Ed25519 signature by the provider, checked with its public key.
 */
export interface Ed25519Recipe {
  /**
   * ed25519
   */
  type: 'ed25519';
  /**
   * Template of the public key, e.g. %account[webhookPublicKey]%.
   */
  publicKey: string;
  /**
   * base64 (default: the raw 32 bytes in base64), hex, or pem (SPKI).
   */
  keyEncoding?: 'base64' | 'hex' | 'pem';
  /**
   * The signed message, piece by piece.
   *
   * @minItems 1
   */
  message: [SignedPart, ...SignedPart[]];
  signature: SignatureLocation;
  timestamp?: SignedTimestamp;
}
/**
 * A JSON Web Token carried by the request, with its algorithm pinned, its times checked, and optionally claims binding it to the body and the URL.
 */
export interface JwtRecipe {
  /**
   * jwt
   */
  type: 'jwt';
  token: JwtLocation;
  /**
   * The only algorithms accepted (a token naming another, or none, is refused).
   *
   * @minItems 1
   */
  algorithms: [
    'HS256' | 'HS384' | 'HS512' | 'RS256' | 'ES256' | 'EdDSA',
    ...('HS256' | 'HS384' | 'HS512' | 'RS256' | 'ES256' | 'EdDSA')[]
  ];
  /**
   * Template of the key: the shared secret for HS*, a PEM public key otherwise.
   */
  key?: string;
  keysByClaim?: JwtKeysByClaim;
  /**
   * Claims that must have exactly these values, e.g. {"iss": "MessageBird"}.
   */
  claims?: {
    [k: string]: string;
  };
  /**
   * Claims that must be present and not empty, e.g. ["jti"].
   */
  requiredClaims?: string[];
  bodyHash?: HashClaim;
  /**
   * For tokens that carry the payload itself as their claims (GatewayAPI): top-level fields of the JSON body that the token must hold as claims with the same values (compared as JSON), so a token cannot be replayed with another body. A field missing from the token is a refusal.
   *
   * @minItems 1
   */
  bodyClaims?: [string, ...string[]];
  urlHash?: HashClaim;
  /**
   * Refuse a token whose iat is older than this.
   */
  maxAgeSeconds?: number;
  /**
   * Clock skew allowed for exp, nbf and iat. Default 0.
   */
  skewSeconds?: number;
}
/**
 * Where the token is.
 */
export interface JwtLocation {
  /**
   * header or query key.
   */
  from: 'header' | 'query';
  /**
   * Its name, e.g. Authorization.
   */
  name: string;
  /**
   * A scheme word before the token, e.g. Bearer.
   */
  scheme?: string;
}
/**
 * Choose the key by a claim of the token (e.g. the API key that signed it): the claim value, rendered from a template, to the key template. Used when several keys may sign.
 */
export interface JwtKeysByClaim {
  /**
   * The claim naming the key, e.g. api_key.
   */
  claim: string;
  /**
   * Claim value template to key template.
   */
  keys: {
    [k: string]: string;
  };
}
/**
 * A claim that must equal a hash of a request fact.
 */
export interface HashClaim {
  /**
   * Claim name, e.g. payload_hash.
   */
  claim: string;
  /**
   * Hash function.
   */
  algorithm: 'sha256' | 'sha512';
  /**
   * How the hash is written.
   */
  encoding: 'hex' | 'base64' | 'base64url';
  /**
   * always (default): the claim must be there; ifBody: present exactly when the body is not empty; optional: checked when present.
   */
  presence?: 'always' | 'ifBody' | 'optional';
}
/**
 * HTTP Basic credentials the provider sends (configured in its console), compared in constant time.
 */
export interface BasicRecipe {
  /**
   * basic
   */
  type: 'basic';
  /**
   * Template of the user name, e.g. %account[webhookUsername]%.
   */
  username: string;
  /**
   * Template of the password, e.g. %account[webhookPassword]%.
   */
  password: string;
}
/**
 * A shared secret the account owner puts in the webhook URL given to the provider (a query key), compared in constant time.
 */
export interface UrlSecretRecipe {
  /**
   * urlSecret
   */
  type: 'urlSecret';
  /**
   * The query key, e.g. token.
   */
  query: string;
  /**
   * Template of the expected value, e.g. %account[webhookToken]%.
   */
  value: string;
}
/**
 * Verified when any one recipe verifies: key rotation, or alternative schemes. A recipe whose account values are all empty is skipped; at least one must be usable.
 */
export interface AnyOfRecipe {
  /**
   * anyOf
   */
  type: 'anyOf';
  /**
   * The alternatives, tried in order.
   *
   * @minItems 2
   */
  recipes: [WebhookVerify, WebhookVerify, ...WebhookVerify[]];
}
/**
 * How the verified request becomes events.
 */
export interface WebhookRead {
  /**
   * form: an application/x-www-form-urlencoded body; json: a JSON body; query: the URL query (GET callbacks); params: one flat set of parameters, sent as the query of a GET, a form body or a JSON object body (for providers whose console offers all three for the same callback).
   */
  format: 'form' | 'json' | 'query' | 'params';
  /**
   * With format json: the JSON document is the value of this key of a form body, not the body itself (MSG91's version 2 delivery reports post data=<JSON text>). A body without the key, or whose value is not JSON, is malformed.
   */
  jsonIn?: string;
  /**
   * JSON Pointer to an array of events ("" for a body that is an array); without it, the body is one event.
   */
  each?: string;
  type?: FieldSource;
  /**
   * With `type`: how each event type is read, by the provider's type value. A type not listed is answered and reported as ignored, never guessed.
   */
  events?: {
    [k: string]: WebhookEventSpec;
  };
  event?: WebhookEventSpec;
}
/**
 * How one event is read into the normalised form (DESIGN §9). inbound needs from, to, text and providerMessageId; status needs providerMessageId and status.
 */
export interface WebhookEventSpec {
  /**
   * inbound (a message to one of your numbers) or status (a delivery report).
   */
  kind: 'inbound' | 'status';
  /**
   * JSON Pointer to an array inside the event; one normalised event per element (e.g. one status per recipient). Read elements with `item`.
   */
  each?: string;
  /**
   * With each: a JSON Pointer into each element of `each` to a nested array; one normalised event per element of it (e.g. per status, then per recipient listed under it). Read its elements with `within` ("" for the element itself), the outer element with `item`. An element without that array (null or absent) gives one event of its own, read without `within`.
   */
  eachWithin?: string;
  eventId?: FieldSource;
  from?: FieldSource;
  to?: FieldSource;
  text?: FieldSource;
  providerMessageId?: FieldSource;
  receivedAt?: FieldSource;
  media?: MediaSource;
  messageId?: FieldSource;
  status?: FieldSource;
  /**
   * The provider's status values to the normalised ones; ignore drops the event (reported as ignored). A value not listed becomes unknown.
   */
  statuses?: {
    [k: string]:
      | 'queued'
      | 'sent'
      | 'delivered'
      | 'read'
      | 'undelivered'
      | 'failed'
      | 'expired'
      | 'rejected'
      | 'unknown'
      | 'ignore';
  };
  errorCode?: FieldSource;
  /**
   * Error codes of delivery reports (errorCode, as text) that mean the recipient opted out of this sender (replied STOP), for providers that report it only there: such a status event carries optedOut: true, and the gateway records the opt-out. Codes a send answer carries belong in the send's errorCodes (optedOut) instead.
   */
  optedOutCodes?: string[];
  error?: FieldSource;
  at?: FieldSource;
}
/**
 * Where attachments are: indexed form keys (MediaUrl0..N, counted by `count`, or read until the first missing one), a JSON array, or one JSON object (a provider that sends one file).
 */
export interface MediaSource {
  count?: FieldSource;
  /**
   * First index of indexed keys (0 or 1). Default 0.
   */
  start?: number;
  /**
   * Indexed form: the key with {i} for the index, e.g. MediaUrl{i}. Array: a JSON Pointer into each element, e.g. /url, or "" for an array of URL strings.
   */
  url: string;
  /**
   * As url, for the content type, e.g. MediaContentType{i} or /content_type.
   */
  contentType?: string;
  /**
   * As url, for the size in bytes, e.g. /size.
   */
  size?: string;
  /**
   * Indexed keys: the first attachment's key has no number (image, image2, image3), so {i} is left out for the index `start`.
   */
  unnumberedFirst?: boolean;
  /**
   * JSON Pointer to the attachments in the event: an array, or one object for a provider that sends one file; without it, indexed form keys.
   */
  each?: string;
}
/**
 * What the provider expects as the answer to a verified request (also to one whose events are ignored, so it stops retrying). Providers that turn a response body into a reply SMS get an empty body by construction: leave `body` out.
 */
export interface WebhookAnswer {
  /**
   * HTTP status, 200-299.
   */
  status: number;
  /**
   * Content-Type of the answer, e.g. text/xml.
   */
  contentType?: string;
  /**
   * The exact body, e.g. <Response/> or OK. Default empty.
   */
  body?: string;
}
