/**
 * The named canonicalisers a provider file may select in a signed message (`{"from": "canonical",
 * "name": …}`): each turns the request into the text a scheme signs, where a plain template of
 * request facts cannot. Names say what the algorithm does, never whose it is. Each may give several
 * candidates; any one may match.
 */
import type { RequestFacts } from '../request.js';
import { sortedAmpersandPairsUnderscored } from './ampersand-pairs.js';
import { formPairsSortedByKey, formPairsSortedUnique } from './form-pairs.js';
import { urlWithSortedQueryAndFormPairs } from './sorted-query-and-form.js';
import { urlPortVariants } from './url-port-variants.js';

/** A canonicaliser: the text of one signed piece, or its candidate texts, most likely first. */
export type Canonicaliser = (facts: RequestFacts) => string | Iterable<string>;

/** Every canonicaliser by name. */
export const CANONICALISERS: Readonly<Record<string, Canonicaliser>> = {
  urlPortVariants,
  formPairsSortedUnique,
  formPairsSortedByKey,
  urlWithSortedQueryAndFormPairs,
  sortedAmpersandPairsUnderscored,
};
