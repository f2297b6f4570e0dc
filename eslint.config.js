// Lint rules whose main job is to keep the dependency direction honest:
// renderer -> main/api (types and schemas only); electron -> main; main never imports electron or renderer.
// The layer order of main/ and the folder-cycle check are dependency-cruiser's (.dependency-cruiser.cjs, npm run lint:deps).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectronOrRenderer = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'main/ is the portable engine: it never imports electron.' },
    { group: ['**/renderer/**', '../renderer/*', '../../renderer/*'], message: 'main/ never imports the renderer.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'renderer/build/', 'test-output/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    // CommonJS config files (.dependency-cruiser.cjs)
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noElectronOrRenderer] },
  },
  {
    // The contract and the client are bundled into the renderer and the sandboxed preload:
    // they may use zod and each other, never Node modules.
    files: ['main/api/contract.ts', 'main/api/client.ts', 'main/api/api-error.ts', 'main/api/define.ts', 'main/api/requests/**/*.ts', 'main/api/events/**/*.ts',
      'main/api/job-map.ts', 'main/api/port-protocol.ts', 'main/run/job-params.ts', 'main/compute/jobs/compute-job-params.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...noElectronOrRenderer.patterns,
          { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'module'], message: 'The API contract and client run in the renderer and the sandboxed preload: no Node modules.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'The renderer reaches the engine only through the API client.' },
          { group: ['**/main/*', '!**/main/api'], message: 'The renderer may import only main/api (the typed contract), never engine internals.' },
          { group: ['node:*', 'fs', 'path', 'child_process'], message: 'The renderer runs in a sandboxed page: no Node modules.' },
        ],
      }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**'], message: 'The shell loads the renderer as a page; it never imports its code.' }],
      }],
    },
  },
  {
    // tfjs internals are touched in main/tfjs/ only (patches applied by the backend start, the
    // engine-tape helpers, gradient checkpointing): nowhere else registers kernels or gradients
    // or reads the engine's tape state
    files: ['main/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['main/tfjs/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'MemberExpression[property.name=/^(gradientDepth|activeTape|kernelDepth)$/]', message: 'The tfjs engine\'s tape state is touched only in main/tfjs/engine-tape.ts; models take recordGradients.' },
        { selector: 'CallExpression[callee.property.name=/^(registerKernel|unregisterKernel|registerGradient)$/]', message: 'tfjs kernels and gradients are replaced only in main/tfjs/ (applied once by main/compute/backend.ts).' },
      ],
    },
  },
);
