import { runCommand } from './run-command.js';

/** The newest version of an npm package matching `range`, asked of the registry npm is set up for. */
export async function newestVersion(name: string, range: string): Promise<string> {
  const output = await runCommand('npm', ['view', `${name}@${range}`, 'version', '--json']);
  const versions = JSON.parse(output) as string | string[];
  const newest = Array.isArray(versions) ? versions[versions.length - 1] : versions;
  if (!newest) throw new Error(`the npm registry has no ${name}@${range}`);
  return newest;
}

/** Downloads a package's tarball into `directory` (`npm pack`); returns the file name. */
export async function packTarball(spec: string, directory: string): Promise<string> {
  const output = await runCommand('npm', ['pack', spec, '--pack-destination', directory, '--json']);
  return (JSON.parse(output) as { filename: string }[])[0].filename;
}
