export { createWebApp } from "./create-web-app.js";
export { toNodeListener } from "./node-listener.js";
export type { WebAppOptions, ConsentBackend } from "./options.js";
export { CONTENT_SECURITY_POLICY } from "./security/headers.js";
