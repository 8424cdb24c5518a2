import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { AppModule } from './app.module';
import { loadShopApiConfig } from './config/shop-api.config';

void bootstrapService({
  name: 'shop-api',
  loadConfig: loadShopApiConfig,
  appModule: (config) => AppModule.forRoot(config),
});
