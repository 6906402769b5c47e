export { evaluateAlerts, listOpenAlerts, type EvaluateAlertsOptions, type EvaluateAlertsResult } from "./evaluate-alerts.js";
export { ALERT_RULES, collectAlertConditions, type AlertRule } from "./alert-rules.js";
export { notifyAlerts, alertText, type AlertChannels, type AlertNotice } from "./notify-alerts.js";
