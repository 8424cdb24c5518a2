# One multi-stage Dockerfile for both apps; the APP build argument picks which one the image
# runs (docker-compose.yml builds it twice, the build stage is shared through the layer cache):
#   docker build --build-arg APP=notification-service -t notification-service .

# Build: all dependencies, then the rspack bundles dist/apps/<app>/main.js (node_modules stay
# external, so the runtime stage installs the production dependencies).
# No dependency's install script runs, whatever npm the image has: package.json's allowScripts
# denies each one, and --ignore-scripts holds for an npm that predates allowScripts (ADR 0014).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts
COPY nest-cli.json tsconfig.json rspack.config.cjs ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# Runtime: Node LTS, production dependencies only, one app, not root. @scarf/scarf (install-time
# telemetry that swagger-ui-dist depends on; nothing requires it at run time) is removed.
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# /app/data: the embedded store's default DATA_DIR, the one folder the app may write (used only
# without DATABASE_URL: `docker run` of one container; mount a volume there to keep it).
RUN npm ci --omit=dev --ignore-scripts \
 && rm -rf node_modules/@scarf \
 && npm cache clean --force \
 && mkdir /app/data && chown node:node /app/data
# APP is declared only now, so both apps' images share every layer above.
ARG APP=shop-api
ENV APP=${APP}
COPY --from=build /app/dist/apps/${APP}/main.js ./main.js
# The node images' unprivileged user; the application files stay owned by root (read-only).
USER node
EXPOSE 3000 3001
# Slim images have no curl: Node's fetch asks the app's readiness endpoint. PORT unset means
# the app's default port (contract: shop-api 3000, notification-service 3001).
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "const port = process.env.PORT || { 'shop-api': 3000, 'notification-service': 3001 }[process.env.APP]; fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Nest's shutdown hooks handle SIGTERM, so `docker compose stop` drains requests.
CMD ["node", "main.js"]
