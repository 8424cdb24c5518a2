export * from './config/config-validation.error';
export * from './config/validate-environment';
export * from './config/base.environment';
export * from './health/health.constants';
export * from './health/health.module';
export * from './bootstrap/bootstrap-service';
