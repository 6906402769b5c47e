// Finds Debian's Chromium for the browser test. Under CI a missing browser fails the test; on a
// workstation without one the test is skipped with a note (install: apt-get install -y chromium).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
export const IN_CI = Boolean(process.env.CI);

/**
 * Launches a headless Chromium. Playwright gives every launch a fresh temporary user-data-dir
 * (it refuses one in `args`), and each scenario then gets its own context: no shared cookies.
 */
export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`No browser at ${CHROMIUM_PATH}: install it with apt-get install -y chromium (.ci/run does).`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
