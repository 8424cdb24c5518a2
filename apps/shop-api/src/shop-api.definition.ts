import type { ServiceBootstrap } from '@app/common';
import { AppModule } from './app.module.js';
import { loadShopApiConfig, type ShopApiConfig } from './config/shop-api.config.js';

export const shopApi: ServiceBootstrap<ShopApiConfig> = {
  name: 'shop-api',
  description:
    'Checkout for TechStore customers; notifies notification-service with its own service-account token.',
  loadConfig: loadShopApiConfig,
  appModule: (config) => AppModule.forRoot(config),
};
