// The caller half (issue #3): this service's own client-credentials token.
export * from './clock.js';
export * from './service-token.errors.js';
export * from './service-token.events.js';
export * from './service-token.options.js';
export * from './service-token.service.js';
export * from './service-token.constants.js';
export * from './service-token.decorators.js';
export * from './service-token.health.js';
export * from './service-token.module.js';
export * from './service-token-axios.js';
export * from './service-token-http.module.js';
export type {
  ServiceTokenHttpModuleExtras,
  ServiceTokenHttpModuleOptions,
} from './service-token-http.module-definition.js';
export type { ServiceTokenModuleExtras } from './service-token.module-definition.js';
export { tokenFingerprint } from './token-fingerprint.js';
export type { TokenSchedule, LifetimeRules } from './token-lifetime.js';
