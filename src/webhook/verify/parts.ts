/**
 * The signed message: pieces of request facts joined in order. A canonical piece may give several
 * candidates, so the message is a list of candidates (the product of the pieces'), most likely first.
 */
import { getPointer, textOf } from '../../response/pointer.js';
import type { SignedPart } from '../../generated/provider.js';
import { CANONICALISERS } from '../canonical/index.js';
import { parseJsonBody } from '../read/parse-body.js';
import { firstValue, type RequestFacts } from '../request.js';

/** A compiled piece: the candidate byte strings it stands for in one request. */
export type PieceReader = (facts: RequestFacts) => Buffer[];

/** Compiles one piece; the file was checked at load (see compile-webhooks). */
export function compilePart(part: SignedPart): PieceReader {
  const name = part.name ?? '';
  const text = (f: (facts: RequestFacts) => string | undefined) => (facts: RequestFacts) => [
    Buffer.from(f(facts) ?? '', 'utf8'),
  ];
  switch (part.from) {
    case 'literal': {
      const bytes = Buffer.from(part.value ?? '', 'utf8');
      return () => [bytes];
    }
    case 'rawBody':
      return (facts) => [facts.rawBody];
    case 'url':
      return text((facts) => facts.url);
    case 'header':
      return text((facts) => facts.header(name));
    case 'form':
      return text((facts) => firstValue(facts.form(), name));
    case 'query':
      return text((facts) => firstValue(facts.query(), name));
    case 'json':
      return text((facts) => textOf(getPointer(parseJsonBody(facts.rawBody), name)));
    case 'canonical': {
      const canonical = CANONICALISERS[name];
      if (canonical === undefined) throw new Error(`unknown canonicaliser ${name}`);
      return (facts) => canonical(facts).map((s) => Buffer.from(s, 'utf8'));
    }
  }
}

/** Compiles a message: every candidate concatenation of its pieces. */
export function compileMessage(parts: readonly SignedPart[]): (facts: RequestFacts) => Buffer[] {
  const readers = parts.map(compilePart);
  return (facts) => {
    let candidates: Buffer[][] = [[]];
    for (const read of readers) {
      const options = read(facts);
      candidates =
        options.length === 1
          ? candidates.map((c) => [...c, options[0] as Buffer])
          : candidates.flatMap((c) => options.map((o) => [...c, o]));
    }
    return candidates.map((c) => Buffer.concat(c));
  };
}
