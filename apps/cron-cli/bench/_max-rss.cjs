// Preloaded into the measured CLI process: reports its peak resident set size and CPU time on exit.
process.on("exit", () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`\nMAX_RSS_KB=${maxRSS} CPU_US=${userCPUTime + systemCPUTime}\n`);
});
