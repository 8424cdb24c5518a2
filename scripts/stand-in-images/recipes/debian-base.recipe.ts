import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { debianSourcesFor } from '../host-environment.js';
import { runCommand } from '../run-command.js';
import type { StandInRecipe } from '../stand-in-recipe.js';

const SUITE = 'bookworm';

/** The base of every stand-in, never pulled: Debian bookworm from `debootstrap --variant=minbase`. */
export const STAND_IN_BASE = `keycloak-m2m-nestjs/stand-in-base:${SUITE}-minbase`;

/**
 * Debian's own packages, as `debian:bookworm-slim` is made of them: a minbase root file system
 * with documentation, manuals and translations dropped, then updated from bookworm-updates and
 * bookworm-security. Apt inside the image uses the archive this machine's apt uses.
 */
export const debianBaseRecipe: StandInRecipe = {
  id: 'debian-base',
  builtFrom: `debootstrap --variant=minbase ${SUITE} (Debian's packages), then apt-get upgrade`,
  definedIn: [__filename],
  matches: (image) => image.name === STAND_IN_BASE,
  resolve() {
    const sources = debianSourcesFor(SUITE);
    return Promise.resolve({
      debian: SUITE,
      variant: 'minbase',
      sources: sources.map((s) => `${s.uri} ${s.suites.join(',')}`).join(' '),
    });
  },
  async prepare(_image, _versions, context) {
    const sources = debianSourcesFor(SUITE);
    const rootfs = join(context, 'rootfs');
    const mirror = sources.find((source) => source.suites.includes(SUITE))!.uri;
    await runCommand('debootstrap', ['--variant=minbase', SUITE, rootfs, mirror]).catch(
      (error: Error) => {
        throw new Error(
          `debootstrap failed (Debian's debootstrap package, run as root): ${error.message}`,
        );
      },
    );
    await slim(rootfs);
    await writeFile(
      join(rootfs, 'etc/apt/sources.list.d/debian.sources'),
      sources
        .map((source) =>
          [
            'Types: deb',
            `URIs: ${source.uri}`,
            `Suites: ${source.suites.join(' ')}`,
            `Components: ${source.components.join(' ') || 'main'}`,
            'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
          ].join('\n'),
        )
        .join('\n\n') + '\n',
    );
    await rm(join(rootfs, 'etc/apt/sources.list'), { force: true });
    await runCommand('tar', [
      '--numeric-owner',
      '--exclude=./dev/*',
      '--exclude=./proc/*',
      '--exclude=./sys/*',
      '-C',
      rootfs,
      '-cf',
      join(context, 'rootfs.tar'),
      '.',
    ]);
    await rm(rootfs, { recursive: true, force: true });
    await writeFile(
      join(context, 'Dockerfile'),
      [
        'FROM scratch',
        'ADD rootfs.tar /',
        'RUN apt-get update && apt-get upgrade -y && apt-get clean && rm -rf /var/lib/apt/lists/*',
        'CMD ["bash"]',
        '',
      ].join('\n'),
    );
  },
};

/**
 * What Debian's slim images leave out (files only: packages' maintainer scripts expect the
 * directories, e.g. OpenJDK's man page alternatives), and dpkg told to keep leaving it out.
 */
async function slim(rootfs: string): Promise<void> {
  for (const path of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
    await runCommand('find', [
      join(rootfs, path),
      '-not',
      '-type',
      'd',
      '-not',
      '-name',
      'copyright',
      '-delete',
    ]);
  }
  for (const path of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    await rm(join(rootfs, path), { recursive: true, force: true });
    await mkdir(join(rootfs, path, 'partial'), { recursive: true });
  }
  await writeFile(
    join(rootfs, 'etc/dpkg/dpkg.cfg.d/stand-in-slim'),
    [
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/locale/*',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(rootfs, 'etc/apt/apt.conf.d/stand-in-no-cache'),
    'APT::Keep-Downloaded-Packages "false";\n',
  );
}
