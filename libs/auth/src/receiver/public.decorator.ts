import { SetMetadata } from '@nestjs/common';
import type { AccessPolicy } from './access-policy.js';
import { ACCESS_POLICY } from './keycloak-auth.constants.js';

const PUBLIC_POLICY: AccessPolicy = Object.freeze({ kind: 'public' });

/** The route needs no token (health, metrics). Any Authorization header is ignored. */
export const Public = () => SetMetadata(ACCESS_POLICY, PUBLIC_POLICY);
