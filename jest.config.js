/** Jest runs the TypeScript sources as ESM (Nest 12 is ESM-only). Type-checking is `npm run typecheck`. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
    // @fastify/static (Swagger UI's file server) is CommonJS and requires content-disposition 3, which is
    // ESM only: Node >= 20.19 loads that natively, jest's module loader does not, so jest gets it as CJS.
    '/node_modules/content-disposition/.+\\.js$': [
      'ts-jest',
      {
        useESM: false,
        diagnostics: false,
        tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
