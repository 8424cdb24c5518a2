import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// `npm run keycloak:dist` on a machine without Java: one clear message, and exit code 1.
const MAIN = join(__dirname, 'main.ts');

describe('npm run keycloak:dist without Java', () => {
  it('stops at once, saying what is missing and the two other ways to get a Keycloak', async () => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), MAIN], {
      env: { ...process.env, JAVA: '/nonexistent/java', KEYCLOAK_DIST_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr).toContain('Java 17 or newer is needed and none was found');
    expect(stderr).toContain('`docker compose up -d keycloak`');
    expect(stderr).toContain('`npm run keycloak:local`');
  }, 30_000);
});
