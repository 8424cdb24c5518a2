import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findJava, parseJavaVersion } from './java-runtime.js';
import { removeScratch, scratchDir } from './testing/scratch.js';

/** An executable that answers `-version` like a JDK of that version. */
function fakeJava(version: string): string {
  const file = join(scratchDir('fake-java-'), 'java');
  writeFileSync(file, `#!/bin/sh\necho 'openjdk version "${version}" 2025-01-01' >&2\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('the Java that kc.sh will run', () => {
  afterAll(removeScratch);

  it.each([
    ['openjdk version "17.0.15" 2025-04-15', { version: '17.0.15', major: 17 }],
    ['openjdk version "25" 2025-09-16', { version: '25', major: 25 }],
    ['openjdk version "21.0.4+7-LTS"', { version: '21.0.4+7-LTS', major: 21 }],
    ['java version "1.8.0_392"', { version: '1.8.0_392', major: 8 }],
    ['no version here', undefined],
  ])('parses %s', (output, expected) => {
    expect(parseJavaVersion(output)).toEqual(expected);
  });

  it('prefers JAVA, then JAVA_HOME, as kc.sh does', () => {
    const java = fakeJava('21.0.2');
    expect(findJava({ JAVA: java, JAVA_HOME: '/nowhere' })).toEqual({
      command: java,
      version: '21.0.2',
      major: 21,
    });
    expect(findJava({ JAVA_HOME: join(java, '..', '..', 'no-jdk') })).toMatch(
      /^Java 17 or newer is needed and none was found/,
    );
  });

  it('says what is missing: no Java at all, or one that is too old', () => {
    expect(findJava({ PATH: '/nonexistent' })).toBe(
      'Java 17 or newer is needed and none was found (tried `java -version`; set JAVA_HOME or put java on PATH)',
    );
    expect(findJava({ JAVA: fakeJava('11.0.2') })).toMatch(
      /^Java 17 or newer is needed; `.+java` is Java 11\.0\.2 \(set JAVA_HOME to a newer JDK\)$/,
    );
  });
});
