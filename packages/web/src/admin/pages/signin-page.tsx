import { CSRF_FIELD } from "../../security/csrf.js";
import { ADMIN } from "../admin-env.js";
import { AdminLayout } from "../admin-layout.js";

/** The study team's sign-in form; one generic message for a wrong e-mail or password. */
export function CoordinatorSigninPage(props: { studyName: string; csrfToken: string; next: string; email: string; error?: string }) {
  return (
    <AdminLayout studyName={props.studyName} coordinator={null} csrfToken={props.csrfToken} title="Sign in">
      <div class="narrow">
        <h1>Sign in to the study dashboard</h1>
        {props.error ? (
          <p class="alert" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action={`${ADMIN}/signin`}>
          <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">E-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required maxlength={200} value={props.email} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={200} />
          <button type="submit">Sign in</button>
        </form>
      </div>
    </AdminLayout>
  );
}
