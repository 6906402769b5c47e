import type { SignedInCoordinator } from "@powertoken/core";

/** The Hono environment of the dashboard routes: who is signed in, once the session resolved. */
export interface AdminEnv {
  Variables: {
    coordinator: SignedInCoordinator;
    sessionToken: string;
  };
}

/** Where the dashboard lives; the participant pages keep `/p/…`. */
export const ADMIN = "/admin";
