import type { ProgressListener, RunProgress } from "@powertoken/core";
import type { Output } from "./_output.js";
import { printable } from "./_printable.js";

/**
 * `--verbose`: one line per participant as it finishes (`[3/40] alice: written 2000 steps`),
 * besides the progress display. Core's outcome carries no token, so nothing secret reaches it;
 * the name is escaped like every printed name.
 */
export function verboseProgress(out: Output, verbose: boolean, next: ProgressListener, beforeLine: () => void): ProgressListener {
  if (!verbose) return next;
  return (progress: RunProgress) => {
    next(progress);
    const { done, total, outcome } = progress;
    const steps = outcome.steps === undefined ? "" : ` ${outcome.steps} steps`;
    const why = outcome.code === undefined ? "" : ` ${outcome.code}${outcome.message ? `: ${outcome.message}` : ""}`;
    beforeLine();
    out.log.info(printable(`[${done}/${total}] ${outcome.name}: ${outcome.outcome}${steps}${why}`));
  };
}
