import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandInRecipe } from '../stand-in-recipe.js';
import { STAND_IN_BASE } from './debian-base.recipe.js';

const REPOSITORIES = ['postgres', 'library/postgres', 'docker.io/library/postgres'];
/** `15.18-bookworm`, `15.18`: the Debian bookworm variant of one PostgreSQL release. */
const TAG = /^(\d+)\.(\d+)(?:-bookworm)?$/;

/**
 * `postgres:<major>.<minor>[-bookworm]`: Debian's `postgresql-<major>` at that release (the
 * archive must still serve it), arranged as the official Debian-based image: user postgres
 * (999), no default cluster, `listen_addresses = '*'` in the sample configuration, PGDATA
 * /var/lib/postgresql/data as a volume, /var/run/postgresql 3777, en_US.UTF-8, gosu, and an
 * entrypoint that initialises an empty PGDATA from POSTGRES_USER / POSTGRES_PASSWORD /
 * POSTGRES_DB / POSTGRES_INITDB_ARGS / POSTGRES_HOST_AUTH_METHOD and runs
 * /docker-entrypoint-initdb.d, then `postgres` (STOPSIGNAL SIGINT). The entrypoint is this
 * recipe's own, shorter script: the official one also handles POSTGRES_*_FILE secrets,
 * arbitrary users (`--user`) and more.
 */
export const postgresRecipe: StandInRecipe = {
  id: 'postgres',
  builtFrom: "Debian's postgresql-<major> at the tag's release, on the Debian base",
  base: STAND_IN_BASE,
  definedIn: [__filename],
  matches: (image) => REPOSITORIES.includes(image.repository) && TAG.test(image.tag),
  resolve(image) {
    const [, major, minor] = TAG.exec(image.tag)!;
    return Promise.resolve({ postgres: `${major}.${minor}`, package: `postgresql-${major}` });
  },
  async prepare(_image, versions, context) {
    const major = versions.postgres.split('.')[0];
    await writeFile(join(context, 'docker-entrypoint.sh'), ENTRYPOINT, { mode: 0o755 });
    await writeFile(
      join(context, 'Dockerfile'),
      `FROM ${STAND_IN_BASE}
RUN set -eux; \\
    groupadd -r postgres --gid=999; \\
    useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; \\
    mkdir -p /var/lib/postgresql /etc/postgresql-common /docker-entrypoint-initdb.d; \\
    chown -R postgres:postgres /var/lib/postgresql; \\
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; \\
    apt-get update; \\
    version="$(apt-cache madison ${versions.package} | awk '$3 ~ /^${versions.postgres.replace('.', '\\.')}-/ { print $3; exit }')"; \\
    test -n "$version" || { echo "Debian no longer serves PostgreSQL ${versions.postgres}"; exit 1; }; \\
    apt-get install -y --no-install-recommends locales gosu "${versions.package}=$version"; \\
    rm -rf /var/lib/apt/lists/*; \\
    echo 'en_US.UTF-8 UTF-8' > /etc/locale.gen; locale-gen; \\
    sed -ri "s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = '*'!" /usr/share/postgresql/${major}/postgresql.conf.sample; \\
    mkdir -p /var/run/postgresql /var/lib/postgresql/data; \\
    chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql/data; \\
    chmod 3777 /var/run/postgresql; \\
    chmod 1777 /var/lib/postgresql/data
ENV LANG=en_US.utf8 \\
    PG_MAJOR=${major} \\
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/${major}/bin \\
    PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
`,
    );
  },
};

/** First start: initialise an empty PGDATA as the official image does, then run the server. */
const ENTRYPOINT = `#!/usr/bin/env bash
set -Eeo pipefail
if [ "\${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec gosu postgres "$BASH_SOURCE" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "\${POSTGRES_PASSWORD:-}" ] && [ "\${POSTGRES_HOST_AUTH_METHOD:-}" != 'trust' ]; then
    echo 'Error: the database is uninitialized and POSTGRES_PASSWORD is not set' >&2
    exit 1
  fi
  user="\${POSTGRES_USER:-postgres}"
  database="\${POSTGRES_DB:-$user}"
  initdb --username="$user" --pwfile=<(printf '%s\\n' "\${POSTGRES_PASSWORD:-}") \${POSTGRES_INITDB_ARGS:-}
  printf '\\nhost all all all %s\\n' "\${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$database" != 'postgres' ]; then
    psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname postgres \\
      --set database="$database" <<<'CREATE DATABASE :"database";'
  fi
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh) . "$file" ;;
      *.sql) psql -v ON_ERROR_STOP=1 --username "$user" --no-password --dbname "$database" -f "$file" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
`;
