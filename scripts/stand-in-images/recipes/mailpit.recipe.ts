import { goBinaryRecipe } from './go-binary-image.js';

/**
 * `axllent/mailpit:<vX.Y.Z>`: the binary at /mailpit, its ports, health check and entrypoint as
 * in the official image (which is Alpine-based). The Go module has no web UI bundle (the release
 * pipeline builds it with npm), so the stand-in serves the API, SMTP and `readyz`, not the UI.
 */
export const mailpitRecipe = goBinaryRecipe({
  id: 'mailpit',
  repositories: ['axllent/mailpit', 'docker.io/axllent/mailpit'],
  tag: /^v\d+\.\d+\.\d+$/,
  module: 'github.com/axllent/mailpit',
  mainPackage: '.',
  path: '/mailpit',
  versionVariables: { 'github.com/axllent/mailpit/config.Version': '{tag}' },
  dockerfileTail: [
    'EXPOSE 1025/tcp 1110/tcp 8025/tcp',
    'HEALTHCHECK --interval=15s CMD ["/mailpit", "readyz"]',
    'ENTRYPOINT ["/mailpit"]',
  ],
  definedIn: [__filename],
});
