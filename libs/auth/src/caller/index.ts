// The caller half (issue #3): this service's own client-credentials token.
export * from './clock';
export * from './service-token.errors';
export * from './service-token.events';
export * from './service-token.options';
export * from './service-token.service';
export * from './service-token.constants';
export * from './service-token.decorators';
export * from './service-token.health';
export * from './service-token.module';
export * from './service-token-axios';
export * from './service-token-http.module';
export type {
  ServiceTokenHttpModuleExtras,
  ServiceTokenHttpModuleOptions,
} from './service-token-http.module-definition';
export type { ServiceTokenModuleExtras } from './service-token.module-definition';
export { tokenFingerprint } from './token-fingerprint';
export type { TokenSchedule, LifetimeRules } from './token-lifetime';
