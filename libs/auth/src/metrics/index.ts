// @app/auth/metrics: the library's events as Prometheus metrics (prom-client). Each function
// takes the instance of its half as an argument, so this entry point loads neither half.
export { exportKeycloakAuthMetrics } from './keycloak-auth.metrics.js';
export { exportServiceTokenMetrics } from './service-token.metrics.js';
