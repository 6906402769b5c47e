import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/** What every page shows: the study's name on top, its contact at the bottom. */
export interface PageFrame {
  studyName: string;
  contact: string;
}

/**
 * Opens every HTML page we render. JSX cannot write a doctype, and without one browsers lay the
 * page out in quirks mode (body margins, table fonts and inline images all differ).
 */
export const DOCTYPE = raw("<!DOCTYPE html>");

/** The HTML shell of every page: no script, one stylesheet, readable on a phone. */
export function Layout(props: PageFrame & { title: string; children: Child }) {
  return (
    <>
      {DOCTYPE}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{`${props.title} · ${props.studyName}`}</title>
          <link rel="stylesheet" href="/assets/style.css" />
        </head>
        <body>
          <header>
            <p>{props.studyName}</p>
          </header>
          <main>{props.children}</main>
          <footer>
            <p>Questions? Contact {props.contact}.</p>
          </footer>
        </body>
      </html>
    </>
  );
}
