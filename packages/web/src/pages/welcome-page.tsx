import { Layout, type PageFrame } from "./layout.js";

/** The first page of a new participant: what PowerToken reads, writes, and never touches. */
export function WelcomePage(props: PageFrame & { firstName: string; nextHref: string; backendLabel: string }) {
  return (
    <Layout {...props} title="Welcome">
      <p class="step">Step 1 of 3</p>
      <h1>Welcome, {props.firstName}</h1>
      <p>
        {props.studyName} uses PowerToken to show your WEconnect check-ins as steps on your {props.backendLabel} display.
        Setting it up takes two sign-ins and about three minutes.
      </p>
      <h2>What PowerToken reads</h2>
      <ul>
        <li>Your WEconnect activities and whether you checked in to them.</li>
      </ul>
      <h2>What PowerToken writes</h2>
      <ul>
        <li>
          One exercise entry per day with a step count on Google Health (on an older Fitbit account: your daily step goal and one walk entry per day).
        </li>
      </ul>
      <h2>What it never touches</h2>
      <ul>
        <li>Anything else: your other activities, health data, messages and contacts stay as they are.</li>
      </ul>
      <a class="button" href={props.nextHref}>
        Start: sign in to WEconnect
      </a>
    </Layout>
  );
}
