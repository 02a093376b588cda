/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { "^.+\\.ts$": "ts-jest" },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalSetup: '<rootDir>/test/redis-global-setup.ts',
  globalTeardown: '<rootDir>/test/redis-global-teardown.ts',
  testTimeout: 30000,
};
