/** Replaces the password of a URL (and of anything that looks like one) with `***`. */
export function redactUrl(url: string): string {
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
