import {
  arrayMaxSize,
  arrayMinSize,
  isInt,
  isNumber,
  isString,
  length,
  matches,
  max,
  min,
} from 'class-validator';
import { isDeliverableEmailAddress } from '@app/common';
import { ORDER_ID_MAX_LENGTH, SAFE_TOKEN } from './notifications.constants.js';
import { NO_CONTROL_CHARACTERS, OrderItemDto } from './order-item.dto.js';
import type { OrderNotificationDto } from './order-notification.dto.js';

const ORDER_KEYS = new Set(['orderId', 'email', 'items', 'total']);
/** Addresses found deliverable (a pure function, and a slow one): a customer orders again. */
const VALID_EMAILS = new Set<string>();
const MAX_REMEMBERED_EMAILS = 10_000;
const ITEM_KEYS = new Set(['sku', 'quantity', 'name', 'unitPrice']);
const FINITE = { allowNaN: false, allowInfinity: false };

/** A plain JSON object holding no key outside `keys`. */
function plainWith(value: unknown, keys: Set<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Parsed JSON: the prototype is Object.prototype (of any realm), nothing below it.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null || Object.getPrototypeOf(prototype) !== null) return false;
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

/** OrderItemDto's decorators, as class-validator's own functions (an absent optional is fine, null is doubt). */
function isValidItem(item: unknown): item is Record<string, unknown> {
  if (!plainWith(item, ITEM_KEYS)) return false;
  const { sku, quantity, name, unitPrice } = item;
  return (
    isString(sku) &&
    length(sku, 1, 100) &&
    matches(sku, NO_CONTROL_CHARACTERS) &&
    isInt(quantity) &&
    min(quantity, 1) &&
    max(quantity, 100) &&
    (name === undefined ||
      (isString(name) && length(name, 1, 200) && matches(name, NO_CONTROL_CHARACTERS))) &&
    (unitPrice === undefined || (isNumber(unitPrice, FINITE) && min(unitPrice, 0)))
  );
}

function isValidEmail(email: unknown): boolean {
  if (typeof email === 'string' && VALID_EMAILS.has(email)) return true;
  if (!isDeliverableEmailAddress(email)) return false;
  if (VALID_EMAILS.size >= MAX_REMEMBERED_EMAILS) VALID_EMAILS.clear();
  VALID_EMAILS.add(email);
  return true;
}

/**
 * OrderNotificationDto's decorators checked directly, with the same functions of class-validator
 * the decorators run (ADR 0018): the DTO, built as class-transformer builds it, when `body`
 * certainly passes ValidationPipe (whitelist, forbidNonWhitelisted, transform); undefined when
 * in doubt, and ValidationPipe then decides and words the 400. The spec beside this file holds
 * it to exactly that against ValidationPipe itself.
 */
export function validOrderNotification<T extends OrderNotificationDto>(
  dto: new () => T,
  body: unknown,
): T | undefined {
  if (!plainWith(body, ORDER_KEYS)) return undefined;
  const { orderId, email, items, total } = body;
  if (!(
    isString(orderId) &&
    length(orderId, 1, ORDER_ID_MAX_LENGTH) &&
    matches(orderId, SAFE_TOKEN) &&
    isValidEmail(email) &&
    Array.isArray(items) &&
    arrayMinSize(items, 1) &&
    arrayMaxSize(items, 50) &&
    items.every(isValidItem) &&
    isNumber(total, FINITE) &&
    min(total, 0)
  )) {
    return undefined;
  }
  const order = new dto();
  Object.assign(order, body, {
    items: items.map((item: Record<string, unknown>) => Object.assign(new OrderItemDto(), item)),
  });
  return order;
}
