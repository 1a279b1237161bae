/**
 * `urlPortVariants`: the URL a provider signed may differ from the one it called, by its port
 * (present or not) and by how its query was escaped, because some back ends normalise the URL
 * before signing. The candidates, in order: as received with any port removed (not only the
 * default one: a provider's own validator may remove whatever port there is), as received with the
 * default port added when it has none, then the WHATWG-normalised URL both ways, then those with
 * the query re-escaped as Node's legacy `querystring` module writes it. Any one may match.
 */
import { parse, stringify } from 'node:querystring';
import type { RequestFacts } from '../request.js';

const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/** The URL split at its port, without re-encoding anything. */
function splitPort(url: string): { head: string; port: string; rest: string; https: boolean } | undefined {
  const match = AUTHORITY.exec(url);
  if (match === null) return undefined;
  const scheme = match[1] as string;
  const authority = match[2] as string;
  const hostStart = authority.lastIndexOf('@') + 1;
  const colon = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  const portAt = colon >= hostStart ? colon : -1;
  return {
    head: scheme + (portAt === -1 ? authority : authority.slice(0, portAt)),
    port: portAt === -1 ? '' : authority.slice(portAt),
    rest: url.slice(match[0].length),
    https: scheme.toLowerCase() === 'https://',
  };
}

function withoutPort(url: string): string {
  const parts = splitPort(url);
  return parts === undefined ? url : parts.head + parts.rest;
}

function withDefaultPort(url: string): string {
  const parts = splitPort(url);
  if (parts === undefined || parts.port !== '') return url;
  return parts.head + (parts.https ? ':443' : ':80') + parts.rest;
}

function legacyQuery(url: string): string {
  const at = url.indexOf('?');
  if (at === -1 || at === url.length - 1) return url;
  return `${url.slice(0, at)}?${stringify(parse(url.slice(at + 1)))}`;
}

function normalised(url: string): string | undefined {
  try {
    return new URL(url).toString();
  } catch {
    return undefined;
  }
}

/** The candidate URLs, most likely first, without repeats; later ones are built only when asked for. */
export function* urlPortVariants(facts: RequestFacts): Generator<string> {
  const url = facts.url;
  // The first candidate is the one that matches almost always: nothing else is built before it is tried.
  const first = withoutPort(url);
  yield first;
  const seen = new Set<string>([first]);
  const fresh = (candidate: string) => !seen.has(candidate) && seen.add(candidate) !== undefined;
  if (fresh(withDefaultPort(url))) yield withDefaultPort(url);
  const normal = normalised(url);
  if (normal === undefined) return;
  const plain = withoutPort(normal);
  const ported = withDefaultPort(normal);
  for (const candidate of [plain, ported]) if (fresh(candidate)) yield candidate;
  for (const candidate of [legacyQuery(plain), legacyQuery(ported)]) if (fresh(candidate)) yield candidate;
}
