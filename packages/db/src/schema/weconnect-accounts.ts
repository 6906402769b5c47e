import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** A WEconnect link: `active`, or `reauth-required` after a 401 (tokens cannot be refreshed). */
export type WeconnectAccountStatus = "active" | "reauth-required";

/** `weconnect_accounts`: at most one per participant. */
export interface WeconnectAccountsTable {
  id: Generated<number>;
  participant_id: number;
  /** WEconnect person id, as text. */
  person_id: string;
  /** `v1:<keyId>:<iv>:<tag>:<ciphertext>`, AAD-bound to this participant's row and column. */
  access_token: string;
  token_expires_at: string | null;
  status: WeconnectAccountStatus;
  created_at: string;
  updated_at: string;
}

export type WeconnectAccountRow = Selectable<WeconnectAccountsTable>;
export type NewWeconnectAccountRow = Insertable<WeconnectAccountsTable>;
export type WeconnectAccountRowUpdate = Updateable<WeconnectAccountsTable>;
