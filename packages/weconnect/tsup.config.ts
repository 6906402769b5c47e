import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", simulator: "src/simulator/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist first: two configs cleaning in parallel could race
    target: "node20",
  },
  {
    // The bin (bin/weconnect-simulator.js imports it) is not in `exports`, so ESM only.
    entry: { "simulator-bin": "src/simulator/bin.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
  },
]);
