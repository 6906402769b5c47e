import { describe, expect, it } from "vitest";
import { trackerToday } from "../src/pages/done-page.js";

describe("the done page's tracker line", () => {
  it("says nothing is shown yet, not 0 steps, when the tracker confirmed showing nothing", () => {
    expect(trackerToday({ trackerSteps: 0, trackerShowsNothing: true })).toBe("Nothing shown yet");
  });
  it("quotes the steps the tracker shows, and says not written yet before any write", () => {
    expect(trackerToday({ trackerSteps: 8333, trackerShowsNothing: false })).toBe("8,333 steps");
    expect(trackerToday({ trackerSteps: null, trackerShowsNothing: false })).toBe("Not written yet");
  });
});
