import { z } from "zod";

/** A successful token endpoint answer (RFC 6749 §5.1; Fitbit adds `user_id`, docs/fitbit-web-api.md#token-response). */
export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === "bearer", "expected a Bearer token"),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  user_id: z.string().optional(),
});

/** An OAuth error body in either shape: RFC 6749 `{error}` or Fitbit's `{errors:[{errorType}]}` (docs/fitbit-web-api.md#error-envelope). */
export const OAuthErrorBodySchema = z.union([
  z.object({ error: z.string(), error_description: z.string().optional() }),
  z.object({ errors: z.array(z.object({ errorType: z.string(), message: z.string().optional() })).min(1) }),
]);
