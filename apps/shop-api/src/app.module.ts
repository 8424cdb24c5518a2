import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { HealthModule } from '@app/common';
import { SHOP_API_CONFIG, type ShopApiConfig } from './config/shop-api.config';

@Module({})
export class AppModule {
  static forRoot(config: ShopApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...config })],
        }),
        HealthModule,
      ],
      providers: [{ provide: SHOP_API_CONFIG, useValue: config }],
      exports: [SHOP_API_CONFIG],
    };
  }
}
