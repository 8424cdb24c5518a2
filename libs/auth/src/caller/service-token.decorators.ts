import { Inject } from '@nestjs/common';
import {
  getServiceTokenHealthIndicatorToken,
  getServiceTokenServiceToken,
} from './service-token.constants.js';

/** Injects the `ServiceTokenService` of `forRoot({ name })` (the unnamed one without a name). */
export const InjectServiceToken = (name?: string) => Inject(getServiceTokenServiceToken(name));

/** Injects the `ServiceTokenHealthIndicator` of `forRoot({ name })`. */
export const InjectServiceTokenHealth = (name?: string) =>
  Inject(getServiceTokenHealthIndicatorToken(name));
