/** Provider token: an array of Terminus indicator functions that /health/ready runs. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
