import { Layout, type PageFrame } from "./layout.js";

/** A page that says one thing and maybe offers one way on. */
export function MessagePage(props: PageFrame & { title: string; lines: string[]; action?: { href: string; label: string } }) {
  return (
    <Layout {...props} title={props.title}>
      <h1>{props.title}</h1>
      {props.lines.map((line) => (
        <p>{line}</p>
      ))}
      {props.action ? (
        <a class="button" href={props.action.href}>
          {props.action.label}
        </a>
      ) : null}
    </Layout>
  );
}

/** Unknown, expired and revoked links all get exactly this page. */
export function InvalidLinkPage(props: PageFrame) {
  return <MessagePage {...props} title="This link is not valid" lines={[`This link is not valid. Please contact ${props.contact} for a new one.`]} />;
}
