# syntax=docker/dockerfile:1
# API Deploy as an image. The workspace (api-deploy.config.json, apis/, logs, secrets, the
# runtime's .api-deploy/) is the volume /workspace; the first start on an empty volume makes it
# (`serve --init`): tokens from API_DEPLOY_ADMIN_TOKEN and API_DEPLOY_TOKEN when set, else
# random ones, printed once in the container's log.
#
#   docker build -t api-deploy .
#   docker run -p 8000:8000 -v api-deploy:/workspace api-deploy

# Build: the server bundle (out/server) and the control panel (out/renderer). Electron is a
# devDependency of the desktop app; its binary is not needed here.
FROM node:20-slim AS build
WORKDIR /src
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Run: production dependencies only, the built files, as the unprivileged user `node`.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    API_DEPLOY_HOST=0.0.0.0 \
    API_DEPLOY_PORT=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/out/server ./out/server
COPY --from=build /src/out/renderer ./out/renderer
COPY --from=build /src/apis/template.ts ./apis/template.ts
RUN ln -s /app/out/server/cli.js /usr/local/bin/api-deploy \
    && mkdir /workspace \
    && chown node:node /workspace
USER node
VOLUME /workspace
EXPOSE 8000
# Liveness with node itself (the slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_DEPLOY_PORT || 8000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself; the server then finishes the requests in
# flight and stops (give it functionTimeoutMs: `docker stop -t 35`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/out/server/cli.js"]
CMD ["serve", "/workspace", "--init"]
