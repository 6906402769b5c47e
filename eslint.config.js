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
  // functions, openConfiguredDatabase); only core calls db's queries. What the apps need of db
  // besides (migrations, keys, URL parsing, driver errors) core re-exports, so app sources import
  // nothing from db at all; their tests may, to set up and inspect a real database.
  {
    files: ["apps/*/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@powertoken/db", message: "Apps import from @powertoken/core (which re-exports what they need of db); only core calls db's queries." }],
        },
      ],
    },
  },
);
