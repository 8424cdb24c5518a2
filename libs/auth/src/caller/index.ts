// @app/auth/caller: this service's own client-credentials token, cached, renewed and attached
// to outgoing requests. A deliberately small surface (ADR 0017); copy `caller/` and `shared/`
// to use it elsewhere.
export { ServiceTokenModule } from './service-token.module.js';
export type { ServiceTokenModuleExtras } from './service-token.module-definition.js';
export { ServiceTokenService, type GetTokenOptions } from './service-token.service.js';
export type { ServiceTokenStatus } from './service-token-status.js';
export type { ServiceTokenOptions, ServiceTokenLogger } from './service-token.options.js';
export { InjectServiceToken, InjectServiceTokenHealth } from './service-token.decorators.js';
export { ServiceTokenHealthIndicator } from './service-token.health.js';
export { ServiceTokenHttpModule } from './service-token-http.module.js';
export type { ServiceTokenHttpModuleOptions } from './service-token-http.module-definition.js';
export { attachServiceToken } from './service-token-axios.js';
export type { ServiceTokenEvent } from './service-token.events.js';
export {
  ServiceTokenConfigError,
  ServiceTokenError,
  TokenEndpointError,
  type ServiceTokenErrorCode,
} from './service-token.errors.js';
export { tokenFingerprint } from './token-fingerprint.js';
export type { Clock } from '../shared/clock.js';
