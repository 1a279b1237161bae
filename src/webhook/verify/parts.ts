/**
 * The signed message: pieces of request facts joined in order. A canonical piece may give several
 * candidates, so the message is a list of candidates (the product of the pieces'), most likely first.
 */
import { createHash } from 'node:crypto';
import { pointerText as textAt } from '../read/pointer.js';
import type { SignedPart } from '../../generated/provider.js';
import { CANONICALISERS } from '../canonical/index.js';
import { firstValue, type RequestFacts } from '../request.js';

/** A compiled piece: the candidate byte strings it stands for in one request. */
export type PieceReader = (facts: RequestFacts) => Buffer | Iterable<Buffer>;

/** Compiles one piece; the file was checked at load (see compile-webhooks). */
export function compilePart(part: SignedPart): PieceReader {
  const name = part.name ?? '';
  const text = (f: (facts: RequestFacts) => string | undefined) => (facts: RequestFacts) =>
    Buffer.from(f(facts) ?? '', 'utf8');
  switch (part.from) {
    case 'literal': {
      const bytes = Buffer.from(part.value ?? '', 'utf8');
      return () => bytes;
    }
    case 'rawBody':
      return (facts) => facts.rawBody;
    // The body's digest as raw bytes, for schemes that sign a hash of the body beside other facts.
    case 'rawBodyHash':
      return (facts) => createHash(name).update(facts.rawBody).digest();
    case 'url':
      return text((facts) => facts.url);
    case 'header':
      return text((facts) => facts.header(name));
    case 'form':
      return text((facts) => firstValue(facts.form(), name));
    case 'query':
      return text((facts) => firstValue(facts.query(), name));
    case 'json':
      return text((facts) => textAt(facts.json(), name));
    case 'canonical': {
      const canonical = CANONICALISERS[name];
      if (canonical === undefined) throw new Error(`unknown canonicaliser ${name}`);
      return (facts) => {
        const out = canonical(facts);
        return typeof out === 'string' ? Buffer.from(out, 'utf8') : utf8Each(out);
      };
    }
  }
}

/**
 * Compiles a message: every candidate concatenation of its pieces, built lazily so that the usual
 * first candidate costs one concatenation and the others are made only when it does not match.
 */
export function compileMessage(parts: readonly SignedPart[]): (facts: RequestFacts) => Iterable<Buffer> {
  const readers = parts.map(compilePart);
  return (facts) => {
    const pieces = readers.map((read) => read(facts));
    if (pieces.every((p) => Buffer.isBuffer(p))) return [Buffer.concat(pieces)];
    return product(pieces, 0, []);
  };
}

function* product(pieces: readonly (Buffer | Iterable<Buffer>)[], at: number, prefix: Buffer[]): Generator<Buffer> {
  if (at === pieces.length) {
    yield Buffer.concat(prefix);
    return;
  }
  const piece = pieces[at] as Buffer | Iterable<Buffer>;
  if (Buffer.isBuffer(piece)) {
    yield* product(pieces, at + 1, [...prefix, piece]);
    return;
  }
  for (const option of piece) yield* product(pieces, at + 1, [...prefix, option]);
}

/** Whether any candidate satisfies `test`, stopping at the first. */
export function some(candidates: Iterable<Buffer>, test: (candidate: Buffer) => boolean): boolean {
  for (const candidate of candidates) if (test(candidate)) return true;
  return false;
}

function* utf8Each(texts: Iterable<string>): Generator<Buffer> {
  for (const text of texts) yield Buffer.from(text, 'utf8');
}
