/**
 * A database URL safe to print: its password, and any query parameter whose name says it holds
 * a secret (`password`, `sslpassword`, `sslkey`, `token`…), become `***`. Exported as
 * `redactDatabaseUrl`; the one rule for every message and log line that shows a URL.
 * @example redactDatabaseUrl("postgres://u:pw@h/db?password=x") // "postgres://u:***@h/db?password=***"
 */
export function redactUrl(url: string): string {
  // A SQLite URL is a path: parsing it as a URL would percent-encode its spaces in what is shown.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    u.searchParams.forEach((_v, k) => {
      if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, "***");
    });
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
