/**
 * `@switchboard/gateway`: the softphone backend (`switchboard serve`) for programs: load a gateway
 * file, start the server, hash passwords and print the app's Account XML. A package of its own, so
 * that an integration that only sends does not install a server, database drivers or a queue client.
 */
export { loadGateway, gatewayFromValue } from './config/load-gateway.js';
export { hashPassword, verifyPassword } from './config/password.js';
export { startGateway } from './server.js';
export { gatewayAccountXml } from './app/account-xml.js';
export type { GatewayConfig, GatewayUserConfig } from './config/gateway-config.js';
export type { Gateway, GatewayOptions } from './server.js';
export type { AuthOptions } from './app/auth.js';
export type { TrustProxy } from './config/trust-proxy.js';
export type { IngestSummary } from './webhooks/ingest.js';
export type { GatewayFile, GatewayUser } from 'switchboard';
