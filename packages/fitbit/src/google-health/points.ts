import { FitbitError } from "../errors.js";
import { parseBody, type Http } from "../_http.js";
import type { AccessTokenSource } from "../token-store.js";
import { API, operationError } from "./errors.js";
import { DataPointSchema, OperationSchema } from "./schemas.js";

/** The exercise collection of the signed-in user (docs/google-health-api.md#exercise-data-point). */
export const POINTS = "/v4/users/me/dataTypes/exercise/dataPoints";

/** Whose token a call uses. */
export type Auth = { tokens: AccessTokenSource; accountKey: string };

/** What a create or patch answered, read fully (docs/google-health-api.md#operations). */
export type WriteOutcome =
  | { kind: "written"; done: boolean; entryId: string; steps: number | null }
  | { kind: "exists" } // create: the id is taken (409, or ALREADY_EXISTS inside a 200)
  | { kind: "missing" }; // patch: no such point (404, or NOT_FOUND inside a 200)

/** The resource name of one of the user's exercise points. */
export function pointName(id: string): string {
  return `users/me/dataTypes/exercise/dataPoints/${id}`;
}

/**
 * POST a point under our id. Retried like a read: the id makes a repeat harmless, and a repeat of
 * a create whose first answer was lost comes back as "exists", which the caller reconciles.
 */
export async function createPoint(http: Http, auth: Auth, requestedId: string, body: object): Promise<WriteOutcome> {
  const endpoint = `POST ${POINTS}`;
  const res = await http.request({ endpoint, operation: "create-point", method: "POST", path: POINTS, json: body, idempotent: true, accept: [409], auth });
  if (res.status === 409) return { kind: "exists" };
  return outcome(res.body, endpoint, requestedId, 6, "exists");
}

/** PATCH the whole point (v4 has no updateMask: docs/google-health-api.md#get-patch-delete). */
export async function patchPoint(http: Http, auth: Auth, id: string, body: object): Promise<WriteOutcome> {
  const endpoint = `PATCH ${POINTS}/{id}`;
  const res = await http.request({ endpoint, operation: "patch-point", method: "PATCH", path: `${POINTS}/${id}`, json: body, idempotent: true, accept: [404], auth });
  if (res.status === 404) return { kind: "missing" };
  return outcome(res.body, endpoint, id, 5, "missing");
}

function outcome(body: unknown, endpoint: string, requestedId: string, benignCode: number, benign: "exists" | "missing"): WriteOutcome {
  const op = parseBody(OperationSchema, body, endpoint, API);
  if (op.error) {
    if (op.error.code === benignCode) return { kind: benign };
    throw operationError(endpoint, op.error);
  }
  // `done: false` cannot be polled (v4 has no operations.get), so it only means "not confirmed".
  const point = DataPointSchema.safeParse(op.response);
  const name = point.success ? point.data.name : undefined;
  const assigned = name === undefined ? undefined : /\/dataPoints\/([^/]+)$/.exec(name)?.[1];
  const steps = point.success ? point.data.exercise?.metricsSummary?.steps : undefined;
  return { kind: "written", done: op.done === true, entryId: assigned ?? requestedId, steps: steps === undefined ? null : Number(steps) };
}

/** GET one point; null on 404. */
export async function getPoint(http: Http, auth: Auth, id: string): Promise<{ entryId: string; steps: number; label: string | null } | null> {
  const endpoint = `GET ${POINTS}/{id}`;
  const res = await http.request({ endpoint, operation: "get-point", method: "GET", path: `${POINTS}/${id}`, accept: [404], auth });
  if (res.status === 404) return null;
  const point = parseBody(DataPointSchema, res.body, endpoint, API);
  if (!point.exercise) throw new FitbitError("INVALID_RESPONSE", `Google Health answered ${endpoint} with a data point that is not an exercise.`, { endpoint, api: API });
  return { entryId: id, steps: Number(point.exercise.metricsSummary?.steps ?? "0"), label: point.exercise.displayName ?? null };
}

/** Deletes our points by id; returns those removed (NOT_FOUND counts as already gone, not removed). */
export async function batchDelete(http: Http, auth: Auth, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const endpoint = `POST ${POINTS}:batchDelete`;
  const res = await http.request({ endpoint, operation: "batch-delete", method: "POST", path: `${POINTS}:batchDelete`, json: { names: ids.map(pointName) }, idempotent: true, auth });
  const op = parseBody(OperationSchema, res.body, endpoint, API);
  if (op.error) throw operationError(endpoint, op.error);
  const failed = op.metadata?.failedRequests ?? {};
  const removed: string[] = [];
  ids.forEach((id, index) => {
    const failure = failed[String(index)];
    if (failure === undefined) removed.push(id);
    else if (failure.code !== 5) throw operationError(endpoint, failure);
  });
  return removed;
}
