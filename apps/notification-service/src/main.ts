import './instrumentation.js';
import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { notificationService } from './notification-service.definition.js';

void bootstrapService(notificationService);
