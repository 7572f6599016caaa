/**
 * The architecture, enforced: `pnpm lint` fails when a rule here is broken.
 * See docs/architecture.md §Boundaries.
 */
// npm packages that do I/O; domain/ code may use none of them.
const IO_PACKAGES = ['kafkajs', 'ioredis', 'pg', 'kysely', '@grpc/grpc-js', 'pino', '@opentelemetry/sdk-node', 'testcontainers', 'undici'];

module.exports = {
  forbidden: [
    {
      name: 'no-service-to-service',
      comment: 'A service never imports another service: services talk through Kafka events and gRPC contracts.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-package-to-service',
      comment: 'Packages are shared capabilities and never depend on a service.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules: no adapters, no use cases, no I/O libraries.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        path: [
          '^services/[^/]+/src/(adapters|app)/',
          `node_modules/(${IO_PACKAGES.join('|')})/`,
        ],
      },
    },
    {
      name: 'domain-no-wire-types',
      comment:
        'domain/ speaks in types of its own: the generated protobuf classes are the wire format, mapped to and from the domain in adapters, so a contract change cannot silently reshape the rules.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      // Through the @ecogrid/source condition @ecogrid/proto resolves to packages/proto/src/gen; without it, to its build.
      to: { path: ['(^|/)packages/proto/', '(^|/)node_modules/@ecogrid/proto/'] },
    },
    {
      name: 'domain-no-node-io',
      comment: 'domain/ imports no Node I/O module.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|dgram|child_process|dns|tls|worker_threads)$' },
    },
    {
      name: 'app-not-adapters',
      comment: 'Use cases depend on ports (interfaces), never on a concrete adapter.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/app/' },
      to: { path: '^services/[^/]+/src/adapters/' },
    },
    {
      name: 'standards-is-pure',
      comment: 'packages/standards is pure: no I/O at all.',
      severity: 'error',
      from: { path: '^packages/standards/src/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|dgram|child_process|dns|tls)$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // node_modules and the generated protobuf code are not followed but must not be excluded: excluding them
    // would hide the very imports domain-is-pure and domain-no-wire-types look for.
    doNotFollow: { path: ['node_modules', 'packages/proto/src/gen/'] },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@ecogrid/source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    moduleSystems: ['cjs', 'es6'],
  },
};
