import { repoFile } from './compose-file.js';

/** The README section a new Docker user follows; the compose suite runs its commands verbatim. */
export const COMPOSE_SECTION = '### With Docker and a real Keycloak 26';

/** The fenced `bash` blocks of the README's compose section, in order. */
export function composeSectionBlocks(readme = repoFile('README.md')): string[] {
  const start = readme.indexOf(`${COMPOSE_SECTION}\n`);
  if (start === -1) throw new Error(`README.md has no "${COMPOSE_SECTION}" section`);
  const rest = readme.slice(start + COMPOSE_SECTION.length);
  const end = rest.search(/\n#{2,3} /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
}

export interface ReadmeComposeCommands {
  /** The first `docker compose up …` the README prints, comment dropped, split into words. */
  up: string[];
  /** Gets alice's token and checks out once; prints the checkout's JSON answer. */
  checkout: string;
  /** Asks Mailpit's API for the emails; prints one line per email. */
  emails: string;
}

/** The three commands the README gives for the compose stack; throws when one is missing. */
export function readmeComposeCommands(readme?: string): ReadmeComposeCommands {
  const blocks = composeSectionBlocks(readme);
  const find = (what: string, test: (block: string) => boolean) => {
    const found = blocks.filter(test);
    if (found.length !== 1) {
      throw new Error(`README.md's compose section should have one block that ${what}`);
    }
    return found[0];
  };
  // The first `docker compose up` the section gives is the one a new user runs.
  const upBlock = blocks.find((b) => /^docker compose up\b/m.test(b));
  if (!upBlock) throw new Error("README.md's compose section has no `docker compose up`");
  const upLine = upBlock.split('\n').find((line) => line.startsWith('docker compose up'))!;
  return {
    up: upLine.replace(/#.*$/, '').trim().split(/\s+/),
    checkout: find('checks out', (b) => b.includes('/api/checkout')),
    emails: find("reads Mailpit's API", (b) => b.includes('/api/v1/messages')),
  };
}
