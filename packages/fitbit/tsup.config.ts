import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", simulator: "src/simulator/index.ts", "simulator-bin": "src/simulator/bin.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
