import { describe, expect, it } from "vitest";
import { retryAfterMsFrom } from "../src/_http.js";

describe("retryAfterMsFrom", () => {
  it("reads Retry-After seconds, an HTTP date, and prefers the larger Fitbit-Rate-Limit-Reset", () => {
    expect(retryAfterMsFrom(new Headers({ "retry-after": "5" }))).toBe(5000);
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(retryAfterMsFrom(new Headers({ "retry-after": "Wed, 25 Nov 2026 10:00:30 GMT" }), now)).toBe(30_000);
    expect(retryAfterMsFrom(new Headers({ "retry-after": "60", "fitbit-rate-limit-reset": "1958" }))).toBe(1_958_000);
    expect(retryAfterMsFrom(new Headers())).toBeUndefined();
  });
});
