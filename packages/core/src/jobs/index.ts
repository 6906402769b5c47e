export { runRecordedJob, type RecordJobOptions } from "./run-recorded-job.js";
export { getJobHealth, type JobHealth, type JobRunSummary, type JobRuntime } from "./job-health.js";
export { jobIntervalMinutes } from "./job-interval.js";
