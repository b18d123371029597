// The container and daemon files, linted as far as linters install here: the Dockerfile with
// dockerfile-utils (the Docker language server's linter; hadolint is not on npm), the Kubernetes
// manifest against Kubernetes' own schemas (kubernetes-models), the systemd unit with
// `systemd-analyze verify` where systemd is installed; and what each must say, checked by hand.
// Building and running the image needs Docker, which cannot run here: test/cli/package.test.ts
// runs the image's entry command and HEALTHCHECK from a packed install instead.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const read = (file: string) => readFile(file, 'utf8');

describe('Dockerfile', async () => {
  const text = await read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  const runtime = instructions.filter(
    (instruction) => instruction.getRange().start.line > froms.at(-1)!.getRange().start.line,
  );
  const args = (keyword: string) =>
    runtime
      .filter((instruction) => instruction.getKeyword() === keyword)
      .map((instruction) => instruction.getArgumentsContent() ?? '');

  it('passes the linter', () => {
    expect(validate(text).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`)).toEqual(
      [],
    );
  });

  it('builds in one stage (npm ci without the Electron binary, npm run build) and runs slim in another', () => {
    expect(froms.map((from) => from.getImageName())).toEqual(['node', 'node']);
    expect(froms.map((from) => from.getBuildStage())).toEqual(['build', 'runtime']);
    expect(text).toMatch(/ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1\n/);
    expect(text).toMatch(/RUN npm run build\n/);
    expect(args('RUN').join('\n')).toMatch(/npm ci --omit=dev/);
    // the runtime stage takes the built files from the build stage, nothing else from the context
    const runtimeText = text.slice(text.lastIndexOf('\nFROM '));
    const copies = runtimeText.split('\n').filter((line) => line.startsWith('COPY '));
    expect(
      copies.filter((line) => !/^COPY (--from=build |package\.json package-lock\.json )/.test(line)),
    ).toEqual([]);
    expect(copies.join('\n')).toContain('--from=build /src/out/server');
  });

  it('runs as a non-root user, with /workspace as a volume, node as PID 1, and a HEALTHCHECK on /healthz', () => {
    expect(args('USER')).toEqual(['node']);
    expect(args('VOLUME')).toEqual(['/workspace']);
    // exec form: no shell in between to swallow SIGTERM
    const entrypoint = JSON.parse(args('ENTRYPOINT')[0]!) as string[];
    expect(entrypoint).toEqual(['node', '/app/out/server/cli.js']);
    expect(JSON.parse(args('CMD')[0]!)).toEqual(['serve', '/workspace', '--init']);
    const healthcheck = args('HEALTHCHECK')[0]!;
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*\/healthz.*"\]$/);
    expect(args('ENV').join(' ')).toMatch(/API_DEPLOY_HOST=0\.0\.0\.0/);
  });

  it('.dockerignore keeps dependencies, builds, history and workspace data out of the context', async () => {
    const ignored = (await read('.dockerignore')).split('\n');
    for (const entry of ['.git', 'node_modules', 'out', 'logs', 'api-deploy.secrets.json', '.api-deploy']) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('deploy/compose.yaml', async () => {
  const compose = parse(await read('deploy/compose.yaml'));
  const service = compose.services['api-deploy'];
  const { redis, lb } = compose.services;

  it('builds the image from the repository, keeps the workspace in a volume, and probes /healthz', () => {
    expect(service.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(service.volumes).toEqual(['workspace:/workspace']);
    expect(compose.volumes).toHaveProperty('workspace');
    expect(service.healthcheck.test.join(' ')).toContain('/healthz');
    expect(Object.keys(service.environment)).toEqual([
      'API_DEPLOY_ADMIN_TOKEN',
      'API_DEPLOY_TOKEN',
      'API_DEPLOY_REDIS_URL',
    ]);
  });

  it('runs three replicas sharing Redis, behind a load balancer that alone publishes port 8000', () => {
    expect(service.deploy.replicas).toBe(3);
    expect(service.ports).toBeUndefined();
    expect(service.expose).toEqual(['8000']);
    // the replicas make one workspace together: they must be given its tokens, not each make some
    expect(service.environment.API_DEPLOY_ADMIN_TOKEN).toMatch(/^\$\{API_DEPLOY_ADMIN_TOKEN:\?/);
    expect(service.environment.API_DEPLOY_TOKEN).toMatch(/^\$\{API_DEPLOY_TOKEN:\?/);
    expect(service.environment.API_DEPLOY_REDIS_URL).toBe('redis://redis:6379');
    expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.command).toContain('--appendonly');
    expect(redis.volumes).toEqual(['redis:/data']);
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(compose.volumes).toHaveProperty('redis');
    expect(lb.ports).toEqual(['8000:8000']);
    const nginx: string = compose.configs[lb.configs[0].source].content;
    expect(nginx).toMatch(/server api-deploy:8000 resolve;/);
    expect(nginx).toMatch(/listen 8000;/);
    // nginx drops an idle connection before a replica does (keepAliveTimeoutMs, 5 s by default)
    expect(Number(/keepalive_timeout (\d+)s;/.exec(nginx)?.[1])).toBeLessThan(5);
    // Compose would read a bare $name in the file as one of its variables
    expect(nginx).not.toMatch(/\$[a-z]/);
  });
});

describe('deploy/kubernetes.yaml', async () => {
  const documents = parseAllDocuments(await read('deploy/kubernetes.yaml')).map((document) =>
    document.toJSON(),
  );
  const byKind = Object.fromEntries(documents.map((document) => [document.kind, document]));

  it("is valid against Kubernetes' schemas: a PVC, a Deployment and a Service", () => {
    expect(documents.map((document) => document.kind)).toEqual([
      'PersistentVolumeClaim',
      'Deployment',
      'Service',
    ]);
    expect(() => new PersistentVolumeClaim(byKind.PersistentVolumeClaim).validate()).not.toThrow();
    expect(() => new Deployment(byKind.Deployment).validate()).not.toThrow();
    expect(() => new Service(byKind.Service).validate()).not.toThrow();
  });

  it('probes readiness on /readyz and liveness on /healthz, on the port the Service targets', () => {
    const pod = byKind.Deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000 }]);
    expect(byKind.Service.spec.ports[0].targetPort).toBe('http');
    expect(byKind.Service.spec.selector).toEqual(byKind.Deployment.spec.selector.matchLabels);
  });

  it('runs non-root with the workspace on the claim and the tokens from a Secret', () => {
    const pod = byKind.Deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.args).toEqual(['serve', '/workspace', '--init']);
    expect(container.volumeMounts).toEqual([{ name: 'workspace', mountPath: '/workspace' }]);
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(byKind.PersistentVolumeClaim.metadata.name);
    const env = Object.fromEntries(container.env.map((entry: { name: string }) => [entry.name, entry]));
    expect(env.API_DEPLOY_ADMIN_TOKEN.valueFrom.secretKeyRef).toEqual({
      name: 'api-deploy-tokens',
      key: 'admin',
    });
    expect(env.API_DEPLOY_TOKEN.valueFrom.secretKeyRef).toEqual({
      name: 'api-deploy-tokens',
      key: 'business',
    });
    // one writer of a ReadWriteOnce volume
    expect(byKind.Deployment.spec.replicas).toBe(1);
    expect(byKind.Deployment.spec.strategy.type).toBe('Recreate');
  });
});

describe('deploy/api-deploy.service', async () => {
  const text = await read('deploy/api-deploy.service');
  const service = Object.fromEntries(
    text
      .slice(text.indexOf('[Service]'), text.indexOf('[Install]'))
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('runs the installed bin as a non-root user, restarted on failure, stopped by SIGTERM', () => {
    expect(service.ExecStart).toMatch(/^\/\S+\/api-deploy serve \/var\/lib\/api-deploy --init/);
    expect(service.User).toBeDefined();
    expect(service.User).not.toBe('root');
    expect(service.Restart).toBe('on-failure');
    expect(service.KillSignal).toBe('SIGTERM');
    expect(text).toMatch(/\[Install\]\nWantedBy=multi-user\.target/);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify', async () => {
    // With ExecStart pointing at an executable that exists here (the unit names the installed bin).
    const dir = await mkdtemp(path.join(tmpdir(), 'api-deploy-unit-'));
    try {
      const unit = path.join(dir, 'api-deploy.service');
      await writeFile(unit, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const { stdout, stderr } = await promisify(execFile)('systemd-analyze', ['verify', unit]);
      expect(`${stdout}${stderr}`.trim()).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
