import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { FastPathValidationPipe } from '@app/common';
import { OrderItemDto } from './order-item.dto.js';
import { OrderNotificationDto } from './order-notification.dto.js';

// The fast path must never accept what ValidationPipe refuses, and must build what
// ValidationPipe builds: checked against ValidationPipe itself, body by body.

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true };
const BODY: ArgumentMetadata = { type: 'body', metatype: OrderNotificationDto };

const item = { sku: 'KB-001', quantity: 2, name: 'Mechanical keyboard', unitPrice: 49.9 };
const order = { orderId: 'ord-3f9c2a', email: 'alice@example.com', items: [item], total: 99.8 };

const VALID: unknown[] = [
  order,
  { ...order, items: [{ sku: 'KB-001', quantity: 1 }] },
  { ...order, items: Array.from({ length: 50 }, () => ({ sku: 'A', quantity: 100 })) },
  { ...order, total: 0, items: [{ ...item, unitPrice: 0 }] },
  { ...order, orderId: 'a'.repeat(100) },
  { ...order, orderId: 'A-z.0_9:x' },
  { ...order, email: `${'a'.repeat(64)}@example.com` },
  { ...order, items: [{ ...item, sku: '😀'.repeat(100) }] },
  { ...order, items: [{ ...item, name: 'n'.repeat(200) }] },
  { ...order, email: 'first.last+tag@sub.example.co.uk' },
];

const values = [undefined, null, '', ' ', 'x', 0, -1, 1.5, 101, true, [], {}, [1], 'a\u0000b', 'é'];
const mutations: unknown[] = [
  undefined,
  null,
  [],
  'order',
  42,
  [order],
  { ...order, extra: 1 },
  { ...order, constructor: 'x' },
  { ...order, orderId: 'a'.repeat(101) },
  { ...order, orderId: 'ord 1' },
  { ...order, email: 'alice@localhost' },
  { ...order, email: 'alice@@example.com' },
  { ...order, email: 'a..b@example.com' },
  { ...order, email: `${'a'.repeat(250)}@example.com` },
  { ...order, email: `${'a'.repeat(65)}@example.com` },
  { ...order, email: ' alice@example.com' },
  { ...order, items: [] },
  { ...order, items: Array.from({ length: 51 }, () => item) },
  { ...order, items: [item, 'item'] },
  { ...order, items: [{ ...item, extra: true }] },
  { ...order, items: [{ ...item, sku: 'a'.repeat(101) }] },
  { ...order, items: [{ ...item, sku: '😀'.repeat(101) }] },
  { ...order, items: [{ ...item, name: 'n'.repeat(201) }] },
  { ...order, items: [{ ...item, name: 'line\nbreak' }] },
  { ...order, items: [{ ...item, name: null }] },
  { ...order, items: [{ ...item, unitPrice: null }] },
  { ...order, items: [{ ...item, unitPrice: -0.01 }] },
  { ...order, total: -0.01 },
  ...['orderId', 'email', 'items', 'total'].flatMap((field) =>
    values.map((value) => ({ ...order, [field]: value })),
  ),
  ...['sku', 'quantity', 'name', 'unitPrice'].flatMap((field) =>
    values.map((value) => ({ ...order, items: [{ ...item, [field]: value }] })),
  ),
  ...['orderId', 'email', 'items', 'total'].map((field) => {
    const { [field as keyof typeof order]: _, ...rest } = order;
    return rest;
  }),
];

const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

async function outcome(pipe: ValidationPipe, body: unknown): Promise<unknown> {
  try {
    return await pipe.transform(copy(body), BODY);
  } catch (error) {
    if (error instanceof BadRequestException) return { rejected: error.getResponse() };
    throw error;
  }
}

describe('OrderNotificationDto.fromValidBody', () => {
  const validationPipe = new ValidationPipe(OPTIONS);

  it.each(VALID.map((body, i) => [i, body]))(
    'accepts valid body %i and builds exactly what ValidationPipe builds',
    async (_i, body) => {
      const fast = OrderNotificationDto.fromValidBody(copy(body));
      expect(fast).toBeInstanceOf(OrderNotificationDto);
      fast!.items.forEach((line) => expect(line).toBeInstanceOf(OrderItemDto));
      expect(fast).toEqual(await outcome(validationPipe, body));
    },
  );

  it.each(mutations.map((body, i) => [i, body]))(
    'never accepts what ValidationPipe refuses (body %i)',
    async (_i, body) => {
      const fast = OrderNotificationDto.fromValidBody(copy(body));
      const slow = await outcome(validationPipe, body);
      if (fast === undefined) return;
      expect(slow).not.toHaveProperty('rejected');
      expect(fast).toEqual(slow);
    },
  );
});

describe('FastPathValidationPipe on the order notification', () => {
  const validationPipe = new ValidationPipe(OPTIONS);
  const fastPathPipe = new FastPathValidationPipe(OPTIONS);

  it.each([...VALID, ...mutations].map((body, i) => [i, body]))(
    'answers body %i exactly as ValidationPipe does (value or 400 and its messages)',
    async (_i, body) => {
      expect(await outcome(fastPathPipe, body)).toEqual(await outcome(validationPipe, body));
    },
  );
});
