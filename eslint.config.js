// Flat config shared by every workspace package; each package runs `eslint src test`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const layer = (name, forbidden) => ({
  files: [`${name}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { group: forbidden, message: "Dependencies go downward only: apps → web → core → {weconnect, fitbit, db}." },
          { group: ["../../*/src/*", "../../../packages/*"], message: "Import sibling packages by name, never by path." },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/*.config.ts", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
  { files: ["packages/*/src/**/*.ts"], rules: { "no-console": "error" } },
  layer("packages/weconnect", ["@powertoken/*"]),
  layer("packages/fitbit", ["@powertoken/*"]),
  layer("packages/db", ["@powertoken/*"]),
  layer("packages/core", ["@powertoken/web", "@powertoken/cron-cli", "@powertoken/daemon", "@powertoken/*/src/*"]),
  // The web app sits between the apps (the daemon and `demo --serve` mount it) and core.
  layer("packages/web", ["@powertoken/cron-cli", "@powertoken/daemon", "@powertoken/*/src/*"]),
  // Issue 10: the apps reach participants, accounts and days through @powertoken/core (its admin
  // functions, openConfiguredDatabase); only core calls db's queries. Types, migrations and key
  // utilities stay importable.
  {
    files: ["apps/*/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@powertoken/db",
              allowTypeImports: true,
              message: "Apps go through @powertoken/core (admin functions, openConfiguredDatabase); only core calls db's queries.",
              importNames: [
                "openDatabase",
                "createParticipant", "findParticipantById", "findParticipantByName", "listParticipants", "updateParticipant",
                "removeParticipant", "listIncompleteParticipants",
                "saveWeconnectAccount", "loadWeconnectAccount", "loadWeconnectAccounts", "setWeconnectAccountStatus",
                "saveTrackerAccount", "findTrackerAccount", "findTrackerAccountById", "listTrackerAccounts", "loadTrackerToken", "saveTrackerToken", "setTrackerAccountStatus",
                "upsertActivities", "listActivities", "setActivityWeight", "deleteExpiredActivities", "deleteActivitiesNotIn",
                "upsertEvents", "listEvents",
                "getDay", "upsertDay", "markDayPending", "recordTrackerWrite", "listDaysNeedingWrite",
                "appendAudit", "listAudit", "recordError", "listErrors",
                "claimLeases", "renewLeases", "releaseLeases",
              ],
            },
          ],
        },
      ],
    },
  },
);
