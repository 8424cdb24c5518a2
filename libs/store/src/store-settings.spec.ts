import { isPostgresUrl } from '@app/common';
import { describeDatabaseUrl, storeSettings } from './store-settings.js';

describe('store settings', () => {
  it('uses PostgreSQL when DATABASE_URL is set, the embedded store under DATA_DIR otherwise', () => {
    expect(storeSettings({ DATA_DIR: '/var/lib/shop' })).toEqual({
      kind: 'embedded',
      dataDir: '/var/lib/shop',
    });
    expect(storeSettings({ DATA_DIR: 'data', DATABASE_URL: 'postgres://h/db' })).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgres://h/db',
    });
  });

  it.each([
    [
      'postgres://shop:s3cret@db.internal:5432/techstore',
      'postgres://shop@db.internal:5432/techstore',
    ],
    ['postgresql://db/techstore?password=s3cret&sslmode=require', 'postgresql://db/techstore'],
    ['postgres://u%40corp:s3cret@[::1]:6432/x', 'postgres://u@corp@[::1]:6432/x'],
    ['not a url s3cret', 'an unparseable DATABASE_URL'],
  ])('describes %s without its password as %s', (url, described) => {
    expect(describeDatabaseUrl(url)).toBe(described);
    expect(describeDatabaseUrl(url)).not.toContain('s3cret');
  });

  it.each([
    ['postgres://user:pw@host:5432/db', true],
    ['postgresql://host/db?sslmode=verify-full', true],
    ['postgres:///db?host=/var/run/postgresql', true],
    ['postgres://', false],
    ['mysql://host/db', false],
    ['host=db user=shop', false],
  ])('%s is a PostgreSQL URL: %s', (url, valid) => {
    expect(isPostgresUrl(url)).toBe(valid);
  });
});
