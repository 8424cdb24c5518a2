/**
 * The demo shop's price list (in memory; a real shop reads its catalogue service). Prices are in
 * cents so totals are exact.
 */
const PRICES_IN_CENTS: Readonly<Record<string, number>> = {
  'KB-001': 8999, // mechanical keyboard
  'MS-002': 3499, // wireless mouse
  'MN-003': 24900, // 27" monitor
  'HS-004': 12950, // headset
  'CB-005': 1299, // USB-C cable
};

export const CATALOG_SKUS = Object.keys(PRICES_IN_CENTS);

export function priceInCents(sku: string): number | undefined {
  return Object.hasOwn(PRICES_IN_CENTS, sku) ? PRICES_IN_CENTS[sku] : undefined;
}
