import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

// The import rules of eslint.config.mjs (ADR 0017), proven on files that break them: each is
// written beside real code, linted with the repository's configuration, and removed.

const ROOT = join(__dirname, '..', '..');

async function restrictedImportErrors(path: string, source: string): Promise<string[]> {
  const file = join(ROOT, path.replace('<id>', `lint-probe-${randomUUID().slice(0, 8)}`));
  writeFileSync(file, source);
  try {
    const [result] = await new ESLint({ cwd: ROOT }).lintFiles([file]);
    return result.messages
      .filter((message) => message.ruleId === 'no-restricted-imports')
      .map((message) => message.message);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('import boundaries', () => {
  it.each([
    [
      'notification-service loading the caller half',
      'apps/notification-service/src/<id>.ts',
      "export { ServiceTokenModule } from '@app/auth/caller';\n",
    ],
    [
      'an app loading test helpers',
      'apps/shop-api/src/<id>.ts',
      "export { TestClock } from '@app/auth/testing';\n",
    ],
    [
      'an app reaching past an entry point',
      'apps/shop-api/src/<id>.ts',
      "export { KeycloakAuthGuard } from '@app/auth/receiver/keycloak-auth.guard.js';\n",
    ],
    [
      'the former root barrel',
      'apps/shop-api/src/<id>.ts',
      "export { ServiceAuth } from '@app/auth';\n",
    ],
    [
      'the caller half importing the receiver',
      'libs/auth/src/caller/<id>.ts',
      "export { KeycloakAuthModule } from '../receiver/index.js';\n",
    ],
    [
      'the receiver half importing the caller',
      'libs/auth/src/receiver/<id>.ts',
      "export { ServiceTokenService } from '../caller/service-token.service.js';\n",
    ],
    [
      'shared/ importing a half',
      'libs/auth/src/shared/<id>.ts',
      "export { KeycloakAuthEvents } from '../receiver/keycloak-auth.events.js';\n",
    ],
    [
      'libs/common using more of libs/auth than @Public()',
      'libs/common/src/<id>.ts',
      "export { KeycloakAuthGuard } from '@app/auth/receiver';\n",
    ],
  ])('refuses %s', async (_what, path, source) => {
    expect(await restrictedImportErrors(path, source)).toHaveLength(1);
  });

  it.each([
    ['notification-service', 'apps/notification-service/src/<id>.ts', '@app/auth/receiver'],
    ['shop-api, its own token', 'apps/shop-api/src/<id>.ts', '@app/auth/caller'],
    ['shop-api, customer tokens', 'apps/shop-api/src/<id>.ts', '@app/auth/receiver'],
  ])('lets %s import its half', async (_what, path, entry) => {
    expect(await restrictedImportErrors(path, `export * as auth from '${entry}';\n`)).toEqual([]);
  });

  it('lets libs/common mark its routes @Public()', async () => {
    const source = "export { Public } from '@app/auth/receiver';\n";
    expect(await restrictedImportErrors('libs/common/src/<id>.ts', source)).toEqual([]);
  });
});
