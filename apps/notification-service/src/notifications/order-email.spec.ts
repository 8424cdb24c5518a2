import { composeOrderEmail } from './order-email.js';

describe('composeOrderEmail', () => {
  it('addresses the customer from MAIL_FROM, names the order and lists items and total', () => {
    const email = composeOrderEmail(
      {
        orderId: 'ord-42',
        email: 'alice@example.com',
        items: [
          { sku: 'KB-001', quantity: 2, name: 'Mechanical keyboard', unitPrice: 49.9 },
          { sku: 'USB-C', quantity: 1 },
        ],
        total: 99.8,
      },
      'TechStore <no-reply@techstore.local>',
      'n-1',
    );

    expect(email).toEqual({
      from: 'TechStore <no-reply@techstore.local>',
      to: 'alice@example.com',
      subject: 'Your order ord-42 is confirmed',
      notificationId: 'n-1',
      text: [
        'Hello,',
        '',
        'thank you for your order ord-42. It contains:',
        '',
        '  2 x Mechanical keyboard (KB-001) at 49.90 each',
        '  1 x USB-C',
        '',
        'Total: 99.80',
        '',
        'TechStore',
      ].join('\n'),
    });
  });
});
