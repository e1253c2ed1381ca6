/**
 * Three projects, so each kind runs on its own (`npm run test:unit` etc.) and `npm test` runs all:
 *   unit         no child process, no socket beyond an in-process server; the whole project in seconds
 *   integration  real HTTP on 127.0.0.1, child processes (bots, crash children, redis-server)
 *   e2e          the real bot behind the Agents Playground (and a browser when one is installed)
 */
const base = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
};

/** @type {import('jest').Config} */
module.exports = {
  // Three workers on the project's 2 cores: most integration and e2e time is spent waiting on child
  // processes, sockets and the events a test waits for, so two workers left the cores a third idle
  // (the full suite took 162 s with 2 and 135 s with 3 on an idle 2-core machine, same commit).
  maxWorkers: 3,
  // A failure guard, not a speed requirement (read from the global config, not the projects').
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...base, displayName: 'integration', roots: ['<rootDir>/test/integration'] },
    { ...base, displayName: 'e2e', roots: ['<rootDir>/test/e2e'] },
  ],
};
