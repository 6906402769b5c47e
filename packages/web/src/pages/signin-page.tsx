import { CSRF_FIELD } from "../security/csrf.js";
import { Layout, type PageFrame } from "./layout.js";

/** The WEconnect sign-in form; `error` shows inline above it. */
export function SigninPage(props: PageFrame & { action: string; csrfToken: string; email: string; error?: string; reconnect: boolean }) {
  return (
    <Layout {...props} title="Sign in to WEconnect">
      {props.reconnect ? null : <p class="step">Step 2 of 3</p>}
      <h1>Sign in to WEconnect</h1>
      <p>
        {props.reconnect ? "Your WEconnect sign-in has expired. " : ""}
        Use the e-mail and password of your WEconnect app. We use the password once to sign in and never keep it.
      </p>
      {props.error ? (
        <p class="alert" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action={props.action}>
        <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" autocomplete="username" required maxlength={200} value={props.email} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={200} />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
