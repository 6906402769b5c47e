export { createQuota, type CreateQuotaOptions, type Quota, type QuotaBlock, type QuotaEvent, type QuotaScope, type RateLimitStore } from "./quota.js";
export { DEFAULT_QUOTA_SETTINGS, QUOTA_FAMILIES, type QuotaFamily, type QuotaSettings } from "./quota-settings.js";
export { createSlidingWindow, wallClock, type Acquired, type QuotaClock, type SlidingWindow, type SlidingWindowOptions } from "./sliding-window.js";
export { trackQuotaUsage, formatQuotaUsage, quotaWorthReporting, type QuotaUsageTracker } from "./quota-usage.js";
export { runWithQuota, familiesOf } from "./participant-quota.js";
export { createDbRateLimitStore } from "./db-rate-limit-store.js";
export { retryAfterMsOf } from "./retry-after.js";
export { quotaSettingsFromConfig } from "./quota-from-config.js";
export { quotaClockFromNow, type QuotaClockFromNowOptions } from "./clock-from-now.js";
