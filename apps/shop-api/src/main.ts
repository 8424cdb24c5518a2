import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { shopApi } from './shop-api.definition';

void bootstrapService(shopApi);
