import type { SignedInCoordinator } from "@powertoken/core";
import type { Child } from "hono/jsx";
import { DOCTYPE } from "../pages/layout.js";
import { CSRF_FIELD } from "../security/csrf.js";
import { ADMIN } from "./admin-env.js";

/** What every dashboard page knows: the study, who is signed in, and the token its forms carry. */
export interface AdminFrame {
  studyName: string;
  coordinator: SignedInCoordinator | null;
  csrfToken: string;
}

const NAV = [
  { href: ADMIN, label: "Overview" },
  { href: `${ADMIN}/attention`, label: "Needs attention" },
  { href: `${ADMIN}/audit`, label: "Audit log" },
  { href: `${ADMIN}/errors`, label: "Errors" },
];

/** The dashboard's shell: wide on a laptop, one column on a phone, no script. */
export function AdminLayout(props: AdminFrame & { title: string; current?: string; children: Child }) {
  return (
    <>
      {DOCTYPE}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{`${props.title} · ${props.studyName} dashboard`}</title>
          <link rel="stylesheet" href="/assets/style.css" />
        </head>
        <body class="admin">
          <header>
            <p class="brand">{props.studyName} · study dashboard</p>
            {props.coordinator ? (
              <nav aria-label="Dashboard">
                <ul>
                  {NAV.map((item) => (
                    <li>
                      <a href={item.href} aria-current={props.current === item.href ? "page" : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
                <form method="post" action={`${ADMIN}/signout`} class="signout">
                  <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
                  <span>
                    {props.coordinator.email} ({props.coordinator.role})
                  </span>
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </nav>
            ) : null}
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A state as a coloured label (the text carries the meaning; colour only repeats it). */
export function StateBadge(props: { state: string }) {
  return <span class={`badge state-${props.state}`}>{props.state}</span>;
}

/** Previous / next links and "x–y of n" for a paged table. */
export function Pager(props: { page: number; pageSize: number; total: number; hrefFor: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const from = props.total === 0 ? 0 : (props.page - 1) * props.pageSize + 1;
  const to = Math.min(props.total, props.page * props.pageSize);
  return (
    <nav class="pager" aria-label="Pages">
      <span>
        {from}–{to} of {props.total}
      </span>
      {props.page > 1 ? <a href={props.hrefFor(props.page - 1)} rel="prev">Previous</a> : null}
      {props.page < pages ? <a href={props.hrefFor(props.page + 1)} rel="next">Next</a> : null}
    </nav>
  );
}
