import 'reflect-metadata';
import { bootstrapService } from '@app/common';
import { notificationService } from './notification-service.definition';

void bootstrapService(notificationService);
