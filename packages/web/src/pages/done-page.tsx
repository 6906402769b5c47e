import type { ParticipantDay } from "@powertoken/core";
import { Layout, type PageFrame } from "./layout.js";
import { ProgressRing } from "./progress-ring.js";

function timeOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(at);
}

/**
 * What the tracker shows today, in words. A confirmed "nothing shown" (Google Health shows 0
 * steps as no entry at all) reads "Nothing shown yet", not "0 steps": the participant sees no
 * number in their app, so none is quoted here.
 */
export function trackerToday(day: Pick<ParticipantDay, "trackerSteps" | "trackerShowsNothing">): string {
  if (day.trackerShowsNothing) return "Nothing shown yet";
  return day.trackerSteps === null ? "Not written yet" : `${day.trackerSteps.toLocaleString("en-US")} steps`;
}

/** The page a finished participant keeps seeing: their tracker's value and today's plan. */
export function DonePage(props: PageFrame & { firstName: string; day: ParticipantDay; backendLabel: string; ended: boolean }) {
  const { day } = props;
  return (
    <Layout {...props} title="You are all set">
      <h1>{props.ended ? `Thank you, ${props.firstName}` : `You are all set, ${props.firstName}`}</h1>
      {props.ended ? (
        <p>Your part in the study has ended. PowerToken no longer reads or writes anything for you.</p>
      ) : (
        <p class="success">PowerToken is connected. Your check-ins now show as steps on {props.backendLabel}. You can bookmark this page to look in again.</p>
      )}
      <h2>Today on {props.backendLabel}</h2>
      <p class="figure">{trackerToday(day)}</p>
      <h2>Today's planned activities</h2>
      <ProgressRing events={day.events} />
      {day.events.length === 0 ? (
        <p>Nothing planned in WEconnect for today.</p>
      ) : (
        <ul class="events">
          {day.events.map((e) => (
            <li>
              <span>
                {timeOf(e.startsAt, day.timeZone)} · {e.name}
              </span>
              <span class={e.checkedIn ? "done" : "todo"}>{e.checkedIn ? "Checked in" : "Not yet"}</span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
