/**
 * The shape of one step of the store's schema, in a module of its own: migrations.ts lists the
 * steps, and the modules that own a step's tables (the API's, the outbox's, the media holds') state
 * theirs in this shape without importing the list that imports them.
 */

/** A statement the same on both databases, or one per database where their types differ (BLOB, bytea). */
export type MigrationStatement = string | { readonly sqlite: string; readonly postgres: string };

/** One step: its number and its statements. */
export interface Migration {
  readonly version: number;
  readonly statements: readonly MigrationStatement[];
  /** Statements for one database only, run after `statements` (triggers: their syntax differs). */
  readonly sqlite?: readonly string[];
  readonly postgres?: readonly string[];
}
