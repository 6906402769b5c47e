import { z } from "zod";
import { isIanaTimeZone } from "./time-zone.js";

const url = z.url({ protocol: /^https?$/ });
const backend = z.enum(["google-health", "fitbit-legacy"]);
const mapping = z.enum(["seed", "plan", "weight", "tally", "charge"]);
const ianaZone = z.string().refine(isIanaTimeZone, "expected an IANA time zone such as America/Chicago");


function isBareUrl(text: string): boolean {
  // The url check reports a malformed value; this one only adds "no query, no fragment".
  return !text.includes("?") && !text.includes("#");
}

/** OAuth client and endpoints of one tracker backend; endpoints default to the real services. */
const trackerConfig = (defaults: { apiUrl: string; authorizationUrl: string; tokenUrl: string; revocationUrl: string }) =>
  z
    .object({
      apiUrl: url.default(defaults.apiUrl),
      authorizationUrl: url.default(defaults.authorizationUrl),
      tokenUrl: url.default(defaults.tokenUrl),
      revocationUrl: url.default(defaults.revocationUrl),
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      /** A file (mode 0600) holding the client secret, read when `clientSecret` is not set: what cron jobs use. */
      clientSecretFile: z.string().min(1).optional(),
      /** Loopback redirect for `connect tracker`; a random port is used when it says `:0`. */
      redirectUri: url.default("http://127.0.0.1:0/callback"),
    })
    .strict()
    .prefault({});

/** The whole configuration, as read from the config file with environment overrides applied. */
export const ConfigSchema = z
  .object({
    database: z
      .object({
        /** A SQLite file path (`sqlite:` prefix optional) or a `postgres://` URL. */
        url: z.string().min(1).default("sqlite:./powertoken-data/powertoken.sqlite"),
        poolSize: z.number().int().min(1).max(100).default(10),
        /** PostgreSQL schema to use (created if missing); lets several studies share one database. */
        schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a lower-case SQL identifier").optional(),
      })
      .strict()
      .prefault({}),
    encryption: z
      .object({
        /** Base64 of 32 random bytes. Prefer `keyFile` or the environment over the config file. */
        key: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        keyId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).default("k1"),
        /** Older keys still able to decrypt, during a rotation. */
        previousKeys: z.array(z.object({ id: z.string().min(1), key: z.string().min(1) }).strict()).default([]),
      })
      .strict()
      .prefault({}),
    weconnect: z
      .object({ baseUrl: url.default("https://palalinq.herokuapp.com/api"), timeoutMs: z.number().int().positive().default(10_000) })
      .strict()
      .prefault({}),
    googleHealth: trackerConfig({
      apiUrl: "https://health.googleapis.com",
      authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: "https://oauth2.googleapis.com/token",
      revocationUrl: "https://oauth2.googleapis.com/revoke",
    }),
    fitbitLegacy: trackerConfig({
      apiUrl: "https://api.fitbit.com",
      authorizationUrl: "https://www.fitbit.com/oauth2/authorize",
      tokenUrl: "https://api.fitbit.com/oauth2/token",
      revocationUrl: "https://api.fitbit.com/oauth2/revoke",
    }),
    defaults: z
      .object({
        backend: backend.default("google-health"),
        mapping: mapping.default("plan"),
        timeZone: ianaZone.default("UTC"),
      })
      .strict()
      .prefault({}),
    poll: z
      .object({
        concurrency: z.number().int().min(1).max(256).default(8),
        /** The seed's rule: poll a participant with an occurrence starting or ending this soon. */
        windowMinutes: z.number().int().min(1).max(24 * 60).default(15),
        /** Also poll a participant with open items today not polled for this long (late check-ins); 0 turns it off. */
        catchUpMinutes: z.number().int().min(0).default(60),
        /** Poll every active participant on each run (the 2018-04 behaviour), not only those due. */
        all: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    maintenance: z
      .object({
        incompleteGraceHours: z.number().min(0).default(24),
        /** Read each confirmed day back from the tracker at most once per this many hours and rewrite it when it differs; 0 turns it off. */
        driftCheckHours: z.number().min(0).default(24),
        /** At most this many participants read back per maintenance run (each costs one or two tracker reads). */
        driftBudget: z.number().int().min(0).default(500),
      })
      .strict()
      .prefault({}),
    daemon: z
      .object({
        pollSchedule: z.string().min(1).default("*/15 * * * *"),
        maintenanceSchedule: z.string().min(1).default("0 * * * *"),
        httpHost: z.string().min(1).default("127.0.0.1"),
        httpPort: z.number().int().min(0).max(65535).default(9464),
        shutdownDeadlineMs: z.number().int().min(0).default(30_000),
        leaseMs: z.number().int().min(1000).default(10 * 60_000),
        logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
        /** IANA zone the cron expressions are read in; the process's `TZ` when absent. */
        scheduleTimeZone: ianaZone.optional(),
      })
      .strict()
      .prefault({}),
    web: z
      .object({
        /**
         * The https address participants reach the web pages at (no query, no fragment); the OAuth
         * redirect of web consent is `<publicUrl>/oauth/callback`.
         */
        publicUrl: url.refine(isBareUrl, "expected an absolute http(s) URL without query or fragment").optional(),
        /** The study's name, shown on every page. */
        studyName: z.string().min(1).max(200).optional(),
        /** Who participants contact (an e-mail or phone line), shown on every page. */
        contact: z.string().min(1).max(200).optional(),
        /** Trust `X-Forwarded-*` headers from a reverse proxy in front of the web app. */
        trustProxy: z.boolean().default(false),
        /** A coordinator's dashboard session ends after this long without a request. */
        sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(30),
        /** A coordinator's dashboard session ends this long after sign-in, however active. */
        sessionMaxHours: z.number().int().min(1).max(24 * 30).default(12),
      })
      .strict()
      .prefault({}),
    /** Request budgets and 429 handling (issue 15 item 5); see core's README, "Quota budgeting". */
    quota: z
      .object({
        /** Request starts to WEconnect allowed in any 60 s; absent: unlimited. */
        weconnectPerMinute: z.number().int().min(1).optional(),
        /** Request starts to the tracker's data API (Google Health, legacy Fitbit) in any 60 s; absent: unlimited. */
        trackerPerMinute: z.number().int().min(1).optional(),
        /** Request starts to the tracker's OAuth token endpoint in any 60 s; absent: unlimited. */
        oauthPerMinute: z.number().int().min(1).optional(),
        /** 429s for this many different participants within `burstWindowSeconds` pause the whole API until its Retry-After. */
        burstParticipants: z.number().int().min(1).default(3),
        burstWindowSeconds: z.number().int().min(1).default(60),
        /** How long a 429 without Retry-After postpones a participant. */
        defaultRetryAfterSeconds: z.number().int().min(1).default(60),
        /** The longest wait honoured from one Retry-After. */
        maxRetryAfterSeconds: z.number().int().min(1).default(3600),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        /** Raise an alert for an active participant with no check-in on this many days. */
        noCheckInDays: z.number().int().min(1).max(365).default(3),
        /** Raise an alert for a run in which more than this share of participants failed. */
        failureShare: z.number().min(0).max(1).default(0.2),
        /** Raise an alert for an active participant not polled successfully for this long. */
        notPolledHours: z.number().int().min(1).default(24),
        /** Slack-compatible incoming webhook (JSON POST with `text`); may hold a token, so never printed. */
        webhookUrl: url.optional(),
        /** SMTP server for alert e-mail, e.g. `smtps://user:pass@mail.example.org`; never printed. */
        smtp: z.object({ url: z.string().regex(/^smtps?:\/\//, "expected an smtp:// or smtps:// URL") }).strict().optional(),
        email: z
          .object({
            from: z.string().min(3).optional(),
            /** One address or several separated by commas. */
            to: z.string().min(3).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The resolved configuration (every default filled in). */
export type PowerTokenConfig = z.infer<typeof ConfigSchema>;
/** What a config file may contain (everything optional). */
export type PowerTokenConfigInput = z.input<typeof ConfigSchema>;
