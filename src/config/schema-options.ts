/** The schemas and the Ajv options they are compiled with, at run time and at build time alike. */
import type { Options } from 'ajv';

/** Every schema in schemas/, by file name without `.schema.json`. */
export const SCHEMA_FILES = [
  'attachment',
  'rewriting',
  'provider',
  'account',
  'fixture',
  'routes',
  'webhook-fixture',
  'gateway',
] as const;

/** One schema's name. */
export type SchemaName = (typeof SCHEMA_FILES)[number];

/**
 * strictRequired off: an anyOf branch may require a property declared by its parent. verbose: an
 * unknown property's error carries its schema, whose property names give the "did you mean".
 */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  verbose: true,
} as const satisfies Options;
