/** The Marketo sandbox: `new MarketoSandbox(options)`, `await sb.start()` -> `{ url }`, `await sb.stop()`. */
export { MarketoSandbox } from './server';
export type { SandboxOptions, ApiUserOptions, LimitOptions, BulkTimingOptions, Permission, FileContentType } from './options';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LIMITS, ALL_PERMISSIONS, FILE_CONTENT_TYPES } from './options';
export type { RequestLogEntry } from './log';
export type { FaultSpec } from './faults';
export { seedEmail, DEFAULT_PARTITIONS } from './store/leads';
export { LEAD_FIELDS } from './store/fields';
export type { NewActivity } from './store/activities';
export { ACTIVITY_TYPES, FORMS } from './store/activityTypes';
