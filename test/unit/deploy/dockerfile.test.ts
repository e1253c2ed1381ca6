/**
 * The image cannot be built on the test machines (no Docker), so the Dockerfile is checked against
 * what the rest of the repository says: the build and start commands of package.json, the files it
 * copies (present, and not excluded by .dockerignore), a supported Node LTS pinned by digest, a
 * non-root user, the health check on /healthz and the state on the /data volume. What the image runs
 * (npm ci --omit=dev, then node dist/src/index.js) is exercised without Docker by
 * test/integration/build/production-start.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** The instructions of one stage (from its FROM to the next). */
function stage(name: string): string[] {
  const start = instructions.findIndex((l) => new RegExp(`^FROM \\S+ AS ${name}$`, 'i').test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = instructions.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return instructions.slice(start, end < 0 ? undefined : end);
}

/** A .dockerignore in the "exclude all, re-include" form: is `file` sent to the build? */
function inContext(file: string): boolean {
  const rules = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let included = true;
  for (const rule of rules) {
    const negate = rule.startsWith('!');
    const pattern = negate ? rule.slice(1) : rule;
    const source = pattern
      .split('**')
      .map((part) => part.replace(/\./g, '\\.').replace(/\*/g, '[^/]*'))
      .join('.*');
    const re = new RegExp(`^${source}$`);
    if (re.test(file) || re.test(`${file}/`)) included = negate;
  }
  return included;
}

describe('Dockerfile', () => {
  it('builds on a Node 22 or 24 LTS image pinned by digest, the same base for every stage', () => {
    const arg = /^ARG NODE_IMAGE=(node:(\d+)\.\d+\.\d+-bookworm-slim)@sha256:([0-9a-f]{64})$/m.exec(dockerfile);
    expect(arg).not.toBeNull();
    expect(['22', '24']).toContain(arg![2]);
    // The digest is written out in the header comment too, for people.
    expect(dockerfile).toContain(`#   ${arg![1]}@sha256:${arg![3]}`);
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    for (const from of froms) expect(from).toMatch(/^FROM (\$\{NODE_IMAGE\}|toolchain) AS [a-z-]+$/);
  });

  it('builds with the dev dependencies and the build script of package.json', () => {
    const build = stage('build');
    expect(build).toContain('RUN npm ci --no-audit --no-fund --ignore-scripts=false');
    expect(build).toContain('RUN npm run build');
    // What `npm run build` needs: its script's inputs are copied before it runs.
    expect(pkg.scripts['build']).toBe('tsc -p tsconfig.build.json && node scripts/copy-assets.js dist');
    const copied = build.filter((l) => l.startsWith('COPY ')).join('\n');
    for (const input of ['tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.js', 'src']) expect(copied).toContain(input);
  });

  it('runs with npm ci --omit=dev and the compiled JS only, as the non-root node user, on /data', () => {
    expect(stage('prod-deps')).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev /));
    const runtime = stage('runtime');
    const copies = runtime.filter((l) => l.startsWith('COPY '));
    expect(copies).toEqual([
      'COPY --from=prod-deps /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
      'COPY package.json package-lock.json ./',
    ]);
    // No compiler in the runtime image: its stage starts from the plain base, not the toolchain.
    expect(runtime[0]).toBe('FROM ${NODE_IMAGE} AS runtime');
    expect(runtime).toContain('USER node');
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.findIndex((l) => l.startsWith('CMD ')));
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime.join('\n')).toMatch(/STATE_STORE=sqlite:\/data\/state\.db/);
    expect(runtime).toContain('RUN mkdir -p /data && chown node:node /data');
  });

  it('starts node directly on the start script (SIGTERM reaches the bot) and checks /healthz', () => {
    const runtime = stage('runtime');
    expect(pkg.scripts['start']).toBe('node dist/src/index.js');
    expect(runtime).toContain('CMD ["node", "dist/src/index.js"]');
    const health = runtime.find((l) => l.startsWith('HEALTHCHECK '));
    expect(health).toMatch(/CMD \["node", "-e", ".*\/healthz.*"\]$/);
    expect(runtime.join('\n')).toMatch(/EXPOSE 3978/);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const sources = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from=')).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThanOrEqual(6);
    for (const source of sources) {
      expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      const probe = fs.statSync(path.join(ROOT, source)).isDirectory() ? `${source}/index.ts` : source;
      expect({ source, inContext: inContext(probe) }).toEqual({ source, inContext: true });
    }
    // And keeps out what must never be in an image layer.
    for (const secret of [
      '.env',
      'data/state.db',
      'node_modules/x/index.js',
      'test/unit/a.test.ts',
      'tools/simulator/server.ts',
      '.git/config',
    ])
      expect({ secret, inContext: inContext(secret) }).toEqual({ secret, inContext: false });
  });
});
