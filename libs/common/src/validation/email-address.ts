import { ValidateBy, isEmail, type ValidationOptions } from 'class-validator';

/** RFC 5321's limit on a forward path; longer addresses are refused. */
export const EMAIL_ADDRESS_MAX_LENGTH = 254;

/**
 * The one rule for an order email's recipient: notification-service refuses any other address
 * (400), so shop-api checks the customer's address with the same function at checkout and
 * answers 422 before creating an order it could never confirm.
 */
export function isDeliverableEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= EMAIL_ADDRESS_MAX_LENGTH && isEmail(value);
}

/** class-validator decorator for {@link isDeliverableEmailAddress}. */
export function IsDeliverableEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDeliverableEmailAddress',
      validator: {
        validate: (value: unknown) => isDeliverableEmailAddress(value),
        defaultMessage: () =>
          `$property must be an email address of at most ${EMAIL_ADDRESS_MAX_LENGTH} characters`,
      },
    },
    options,
  );
}
