import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Pass the command's output through to this process's (for long builds); otherwise captured. */
  inherit?: boolean;
}

/** Runs a command without a shell; resolves with its stdout, rejects with its exit code and stderr. */
export function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', options.inherit ? 'inherit' : 'pipe', options.inherit ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const detail = stderr.trim().split('\n').slice(-20).join('\n');
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code}${detail ? `:\n${detail}` : ''}`,
          ),
        );
      }
    });
  });
}
