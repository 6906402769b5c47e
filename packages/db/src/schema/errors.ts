import type { Generated, Insertable, Selectable } from "kysely";

/** `errors`: operational failures for staff; never a secret, messages truncated. */
export interface ErrorsTable {
  id: Generated<number>;
  at: string;
  participant_id: number | null;
  /** Where: `poll`, `maintenance`, `weconnect`, `tracker`, ... */
  origin: string;
  /** The error's `code`, e.g. `UNAUTHORIZED`. */
  code: string;
  message: string;
}

export type ErrorRow = Selectable<ErrorsTable>;
export type NewErrorRow = Insertable<ErrorsTable>;
