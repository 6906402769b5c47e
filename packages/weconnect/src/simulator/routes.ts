/** A matched route: its template (for logs) and the person id segment, if any. */
export interface SimRoute {
  template: string;
  personId?: string;
}

const ROUTES: Array<[method: string, pattern: RegExp, template: string]> = [
  ["POST", /^\/api\/people\/login$/i, "POST /api/People/login"],
  ["POST", /^\/api\/people$/i, "POST /api/People"],
  ["GET", /^\/api\/people\/([^/]+)$/i, "GET /api/People/:id"],
  ["GET", /^\/api\/people\/([^/]+)\/activities$/i, "GET /api/People/:id/activities"],
  ["GET", /^\/api\/people\/([^/]+)\/activities\/progress$/i, "GET /api/People/:id/activities/progress"],
  ["GET", /^\/api\/people\/([^/]+)\/activities-with-events$/i, "GET /api/People/:id/activities-with-events"],
];

/**
 * Match a request line. docs/weconnect-api.md#base-url-and-transport: Express routes case-insensitively and ignores one trailing slash,
 * which is why the original's `/api/people/...` and `/api/People/...` both worked.
 */
export function matchRoute(method: string, pathname: string): SimRoute | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname;
  for (const [m, pattern, template] of ROUTES) {
    const match = m === method ? pattern.exec(path) : null;
    if (match) return match[1] === undefined ? { template } : { template, personId: match[1] };
  }
  return undefined;
}
