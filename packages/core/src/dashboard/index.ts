export { listParticipantRows, countParticipantsByState, type ListParticipantRowsOptions, type ParticipantRowsPage } from "./participant-rows.js";
export { listAuditEntries, listErrorEntries, type EntriesPage } from "./log-pages.js";
export { getParticipantHistory, type ParticipantHistory } from "./participant-history.js";
export { listNeedsAttention, getReconsentCampaign, type AttentionItem, type AttentionReason, type ReconsentCampaign } from "./needs-attention.js";
export { updateParticipantSettings, type ParticipantSettingsPatch } from "./participant-settings.js";
export { pageWindow, MAX_PAGE_SIZE, type PageRequest } from "./paging.js";
export { isCalendarDate } from "./calendar-date.js";
