/**
 * Switchboard: send messages through any HTTP provider described as data.
 * This file is the one front door; everything else is internal.
 */
export { loadProvider, builtinProviderIds, providerFromValue } from './config/load-provider.js';
export { loadAccount, accountFromValue } from './config/load-account.js';
export { accountFromXml } from './acrobits/account.js';
export { exportAccount } from './acrobits/export.js';
export { readAccountXml, writeAccountXml } from './acrobits/account-xml.js';
export { createConnector } from './connector/connector.js';
export { ConfigError, NotFoundError, RenderFailedError, SwitchboardError, formatIssue } from './errors.js';
export { rewriteNumber } from './numbers/rewrite.js';
export { startDemoServer } from './demo/server.js';
export { loadRoutes } from './routing/load-routes.js';
export { createRouter, shouldFallBack } from './routing/router.js';
export { sendMany } from './bulk/send-many.js';
export { createJsonlJournal } from './bulk/jsonl-journal.js';
export { JournalError, resumeAction } from './bulk/journal.js';
export { readRecipients } from './bulk/recipients.js';
export { createWebhookReceiver, receiveWebhook } from './webhook/receiver.js';
export { createMemorySuppression } from './suppression.js';
export { loadSuppressionFile } from './suppression-file.js';
export { webhookMediaAccess } from './webhook/media-access.js';

export type { Account } from './config/account.js';
export type { Connector, ConnectorInit, OutgoingMessage, ServiceParams } from './connector/connector.js';
export type { ConnectorOptions } from './connector/options.js';
export type { SuppressionStore } from './suppression.js';
export type { FileSuppression } from './suppression-file.js';
export type { RenderedRequest } from './connector/render-request.js';
export type { ConfigIssue, ErrorCode } from './errors.js';
export type { Provider } from './provider/compile-provider.js';
export type { ServiceName } from './provider/services.js';
export type {
  CallResult,
  DataResult,
  ResultCode,
  ResponseRecord,
  SendFailure,
  SendResult,
  SendSuccess,
} from './result.js';
export type { AcrobitsServices, FetchCursor, PushTokens } from './connector/acrobits-services.js';
export type { Balance, Rates } from './connector/service-data.js';
export type { FetchedMessage, FetchedMessages } from './response/read-messages.js';
export type { AcrobitsExport } from './acrobits/export.js';
export type { DemoServer } from './demo/server.js';
export type { LoadedRoutes, LoadedRoute, RouteTarget } from './routing/load-routes.js';
export type { Router, RoutedResult, RouteTrail } from './routing/router.js';
export type { RouteFile } from './generated/routes.js';
export type { RetryPolicy } from './delivery/retry.js';
export type { Limiter } from './delivery/rate-limiter.js';
export type { SendManyOptions } from './bulk/send-many.js';
export type { Journal, JournalEntry, JournalEvent, JournalOutcome, JournalState } from './bulk/journal.js';
export type { JsonlJournalOptions } from './bulk/jsonl-journal.js';
export type { ReadRecipientsOptions, RecipientSource } from './bulk/recipients.js';
export type {
  BadRow,
  BulkAmbiguous,
  BulkFailure,
  BulkItem,
  BulkMessage,
  BulkProgress,
  BulkSummary,
} from './bulk/items.js';
export type { AccountFile, AccountValue, EnvValue } from './generated/account.js';
export type { Attachment } from './generated/attachment.js';
export type {
  ProviderFile,
  ServiceSpec,
  ResponseRules,
  BodyCondition,
  NumberRules,
  ParameterSpec,
  AuthSpec,
  MediaRules,
} from './generated/provider.js';
export type { RewritingRule, RewritingCondition, RewritingAction } from './generated/rewriting.js';
export type { ProviderFixture } from './generated/fixture.js';
export type { WebhookOptions, WebhookReceiver } from './webhook/receiver.js';
export type { MediaAccessOptions, MediaRequest, WebhookMediaAccess } from './webhook/media-access.js';
export type { WebhookRequest } from './webhook/request.js';
export type {
  DeliveryStatus,
  IgnoredEvent,
  InboundEvent,
  InboundMedia,
  StatusEvent,
  WebhookAnswer,
  WebhookEvent,
  WebhookFailureCode,
  WebhookResult,
} from './webhook/events.js';
export type { WebhookSpec, WebhookEndpoint, WebhookVerify, MediaAccess, MediaSource } from './generated/provider.js';
export type { GatewayFile, GatewayUser } from './generated/gateway.js';
