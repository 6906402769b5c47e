import type { InviteLinkSummary } from "@powertoken/core";

/** `2026-11-30 14:05` (UTC): how the CLI prints a link's moments. */
function stamp(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")}`;
}

/**
 * Where a personal link stands, in a few words for the status table: the furthest step reached
 * ("completed …", "opened …", "sent …"), or why it no longer works ("revoked", "expired").
 */
export function linkState(link: InviteLinkSummary, now: Date): string {
  if (link.completedAt) return `completed ${stamp(link.completedAt)}`;
  if (link.revokedAt) return `revoked ${stamp(link.revokedAt)}`;
  if (link.expiresAt.getTime() <= now.getTime()) return `expired ${stamp(link.expiresAt)}`;
  if (link.openedAt) return `opened ${stamp(link.openedAt)}`;
  return `sent ${stamp(link.sentAt)}`;
}

/** Every moment of one link, for `participants show`: sent, opened, completed, revoked or expiry. */
export function linkHistory(link: InviteLinkSummary, now: Date): string {
  const parts = [`sent ${stamp(link.sentAt)}`];
  parts.push(link.openedAt ? `opened ${stamp(link.openedAt)}` : "not opened");
  if (link.completedAt) parts.push(`completed ${stamp(link.completedAt)}`);
  if (link.revokedAt) parts.push(`revoked ${stamp(link.revokedAt)}`);
  else if (!link.completedAt) parts.push(`${link.expiresAt.getTime() <= now.getTime() ? "expired" : "expires"} ${stamp(link.expiresAt)}`);
  return `${parts.join(", ")} (UTC)`;
}
