import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readPair, retiredVariablesInUse, spellings } from './pair.js';
import { RenameError, renamePair } from './rename.js';

describe('renamePair', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const read = (path: string) => readFileSync(join(root, path), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rename-'));
    execFileSync('git', ['init', '-q'], { cwd: root });
    write('pair.json', '{ "caller": "shop-api", "receiver": "notification-service" }\n');
    write(
      'libs/common/src/config/renamed-variables.ts',
      'export const RENAMED_VARIABLES: Readonly<Record<string, string>> = {};\n',
    );
    write('.env.example', 'SHOP_API_CLIENT_SECRET=dev\nNOTIFICATION_SERVICE_URL=http://x\n');
    write(
      'apps/shop-api/src/shop-api.module.ts',
      "export class ShopApiModule {}\nconst shopApi = 'shop-api';\nconst schema = 'shop_api';\n" +
        "const to = 'notification-service';\nexport class NotificationServiceClient {}\n",
    );
    write('apps/notification-service/src/main.ts', "const notificationService = 'x';\n");
    write('.gitignore', '.env\ndist/\n');
    write('.env', 'SHOP_API_CLIENT_SECRET=real-secret\nOTHER=1\n');
    write('dist/apps/shop-api/main.js', '');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('spells a name every way the repository does', () => {
    expect(spellings('shop-api')).toEqual([
      'shop-api',
      'SHOP_API',
      'shop_api',
      'shopApi',
      'ShopApi',
    ]);
  });

  it('renames every spelling in contents and paths, records the retired variables, renames them in .env', () => {
    const report = renamePair(root, { caller: 'orders-api', receiver: 'mailer-service' });
    expect(read('apps/orders-api/src/orders-api.module.ts')).toBe(
      "export class OrdersApiModule {}\nconst ordersApi = 'orders-api';\nconst schema = 'orders_api';\n" +
        "const to = 'mailer-service';\nexport class MailerServiceClient {}\n",
    );
    expect(read('apps/mailer-service/src/main.ts')).toBe("const mailerService = 'x';\n");
    expect(existsSync(join(root, 'apps/shop-api'))).toBe(false);
    expect(existsSync(join(root, 'apps/notification-service'))).toBe(false);
    expect(readPair(root)).toEqual({ caller: 'orders-api', receiver: 'mailer-service' });
    expect(report.variables).toEqual({
      SHOP_API_CLIENT_SECRET: 'ORDERS_API_CLIENT_SECRET',
      NOTIFICATION_SERVICE_URL: 'MAILER_SERVICE_URL',
    });
    expect(read('libs/common/src/config/renamed-variables.ts')).toContain(
      "SHOP_API_CLIENT_SECRET: 'ORDERS_API_CLIENT_SECRET'",
    );
    expect(read('.env')).toBe('ORDERS_API_CLIENT_SECRET=real-secret\nOTHER=1\n');
    expect(report.removedBuild).toBe(true);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it('keeps the retired variables across renames, pointing at the latest name', () => {
    renamePair(root, { caller: 'orders-api' });
    renamePair(root, { caller: 'ledger-api' });
    expect(read('libs/common/src/config/renamed-variables.ts')).toContain(
      "SHOP_API_CLIENT_SECRET: 'LEDGER_API_CLIENT_SECRET'",
    );
    expect(read('libs/common/src/config/renamed-variables.ts')).toContain(
      "ORDERS_API_CLIENT_SECRET: 'LEDGER_API_CLIENT_SECRET'",
    );
  });

  it('reports a retired variable still set in the environment or in .env, naming its successor', () => {
    renamePair(root, { caller: 'orders-api' });
    write('.env', 'SHOP_API_CLIENT_SECRET=left-behind\n');
    const problems = retiredVariablesInUse({ SHOP_API_CLIENT_SECRET: 'x' }, root);
    expect(problems).toEqual([
      'SHOP_API_CLIENT_SECRET is set in the environment but no longer read since the pair was renamed: set ORDERS_API_CLIENT_SECRET instead',
      'SHOP_API_CLIENT_SECRET is set in .env but no longer read since the pair was renamed: set ORDERS_API_CLIENT_SECRET instead',
    ]);
    expect(problems.join()).not.toMatch(/left-behind|=x/);
  });

  it('refuses a name that is not two or more lowercase words, or already used', () => {
    write('docs/example.md', 'ledger-service is an example\n');
    write('keycloak/realm.json', '{ "clientId": "ledger-service" }\n');
    const attempt = (request: { caller?: string; receiver?: string }) => {
      try {
        renamePair(root, request);
      } catch (error) {
        return (error as RenameError).problems;
      }
      throw new Error('not refused');
    };
    expect(attempt({ caller: 'Billing' })).toEqual([
      '--caller Billing: must be two or more lowercase words joined by "-" (e.g. orders-api)',
    ]);
    expect(attempt({ caller: 'notification-service' })).toEqual([
      'the caller and the receiver need different names',
    ]);
    expect(attempt({ receiver: 'ledger-service' })).toEqual([
      '--receiver ledger-service: "ledger-service" is already used in keycloak/realm.json',
    ]);
    // Nothing was changed by a refused rename.
    expect(readPair(root)).toEqual({ caller: 'shop-api', receiver: 'notification-service' });
  });
});
