import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HealthModule, MetricsModule } from '@app/common';
import { SHOP_API_CONFIG, type ShopApiConfig } from './config/shop-api.config';

@Module({})
export class AppModule {
  static forRoot(config: ShopApiConfig): DynamicModule {
    return {
      module: AppModule,
      // Global so feature modules can inject the typed configuration.
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...config })],
        }),
        HealthModule,
        MetricsModule.forRoot('shop-api'),
      ],
      providers: [{ provide: SHOP_API_CONFIG, useValue: config }],
      exports: [SHOP_API_CONFIG],
    };
  }
}
