import './instrumentation.js';
import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { shopApi } from './shop-api.definition.js';

void bootstrapService(shopApi);
