// Preloaded into the measured CLI process: reports its peak resident set size on exit.
process.on("exit", () => {
  process.stderr.write(`\nMAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
