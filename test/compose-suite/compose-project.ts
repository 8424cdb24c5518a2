import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, envExample } from '../compose/compose-file.js';

const run = promisify(execFile);

export interface ContainerState {
  Status: string;
  ExitCode: number;
  Health?: { Status: string };
  StartedAt: string;
  FinishedAt: string;
}

/**
 * `docker compose` for one project, from the repository root, always with the dev-only values
 * of .env.example: a developer's .env or exported secrets never reach the suite, so the README's
 * commands (which use those values) hold. COMPOSE_FILE, DOCKER_HOST and the rest pass through.
 */
export class ComposeProject {
  constructor(readonly name: string) {}

  private env(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    for (const variable of [...Object.keys(envExample()), 'COMPOSE_PROJECT_NAME']) {
      delete env[variable];
    }
    return env;
  }

  async compose(args: string[], timeoutMs = 120_000): Promise<string> {
    const { stdout } = await run(
      'docker',
      [
        'compose',
        '--project-name',
        this.name,
        '--env-file',
        join(REPO_ROOT, '.env.example'),
        ...args,
      ],
      { cwd: REPO_ROOT, env: this.env(), timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
    );
    return stdout;
  }

  async docker(args: string[], timeoutMs = 60_000): Promise<string> {
    const { stdout } = await run('docker', args, {
      env: this.env(),
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  /** The id of a service's (only) container, running or stopped. */
  async containerOf(service: string): Promise<string> {
    const id = (await this.compose(['ps', '--all', '--quiet', service])).trim();
    if (!id || id.includes('\n'))
      throw new Error(`expected one container for ${service}, got "${id}"`);
    return id;
  }

  async state(service: string): Promise<ContainerState> {
    const id = await this.containerOf(service);
    return JSON.parse(
      await this.docker(['inspect', '--format', '{{json .State}}', id]),
    ) as ContainerState;
  }

  async waitHealthy(service: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'unknown';
    while (Date.now() < deadline) {
      const state = await this.state(service);
      last = state.Health?.Status ?? state.Status;
      if (last === 'healthy') return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`${service} not healthy after ${timeoutMs / 1000} s (last: ${last})`);
  }

  /** `http://127.0.0.1:<port>` where the engine published a service's port (ranges included). */
  async publishedUrl(service: string, containerPort: number): Promise<string> {
    const address = (await this.compose(['port', service, String(containerPort)])).trim();
    return `http://127.0.0.1:${address.slice(address.lastIndexOf(':') + 1)}`;
  }

  /** Resources of this project still known to the engine (containers, networks, volumes). */
  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.compose.project=${this.name}`;
    const list = async (what: string, command: string[], field: string) =>
      (await this.docker([...command, '--filter', label, '--format', `{{.${field}}}`]))
        .split('\n')
        .filter(Boolean)
        .map((name) => `${what} ${name}`);
    return [
      ...(await list('container', ['ps', '--all'], 'Names')),
      ...(await list('network', ['network', 'ls'], 'Name')),
      ...(await list('volume', ['volume', 'ls'], 'Name')),
    ];
  }
}
