/**
 * The rules of the house (shared/ARCHITECTURE.md, README "The shape"), checked in `npm test` by
 * test/architecture/layers.test.ts. Arrows point down: faces (bin, cli, api) -> app -> payments,
 * settlement, provisioning -> terminal (the domain and its ledger) -> protocol -> crypto, encoding,
 * errors, concurrency, net. Drivers sit beside the domain, reached only through app's adapters.
 * A crossing fails the suite with the rule's name and comment.
 */
const GROUND = '^src/(crypto|encoding|errors|concurrency|net)/';
const ABOVE_DRIVERS = '^src/(terminal|payments|settlement|provisioning|app|api|cli|bin|protocol)/';

module.exports = {
  forbidden: [
    {
      name: 'drivers-import-nothing-above',
      comment: 'src/drivers knows nothing of payments, the domain, settlement, the app or the faces.',
      severity: 'error',
      from: { path: '^src/drivers/' },
      to: { path: ABOVE_DRIVERS },
    },
    {
      name: 'domain-imports-no-device-settlement-or-app',
      comment: 'src/terminal and src/payments reach devices only through their ports; they import no driver, no settlement, no app, no face.',
      severity: 'error',
      from: { path: '^src/(terminal|payments)/' },
      to: { path: '^src/(drivers|settlement|app|api|cli|bin)/' },
    },
    {
      name: 'terminal-imports-no-payments',
      comment: 'The domain below payments: src/terminal does not import src/payments or src/provisioning.',
      severity: 'error',
      from: { path: '^src/terminal/' },
      to: { path: '^src/(payments|provisioning)/' },
    },
    {
      name: 'settlement-reads-only-the-ledger',
      comment: 'src/settlement is a view of the ledger: of the domain it imports src/terminal/ledger only, and no driver, app or face.',
      severity: 'error',
      from: { path: '^src/settlement/' },
      to: { path: '^src/(drivers|app|api|cli|bin|payments)/|^src/terminal/(?!ledger/)' },
    },
    {
      name: 'protocol-imports-only-the-ground-floor',
      comment: 'src/protocol is pure: it imports only src/crypto, src/encoding and src/errors (and npm packages).',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^src/', pathNot: '^src/(protocol|crypto|encoding|errors)/' },
    },
    {
      name: 'ground-floor-imports-nothing-above',
      comment: 'src/crypto, src/encoding, src/errors and src/concurrency import nothing of posd above them.',
      severity: 'error',
      from: { path: GROUND },
      to: { path: '^src/', pathNot: GROUND },
    },
    {
      name: 'only-entry-points-import-app',
      comment: 'Only entry points (src/bin, the hw-sim demo and command, tests, benches) import src/app; the faces get the facade handed to them (type-only imports are fine).',
      severity: 'error',
      from: { pathNot: '^(src/bin/|src/app/|hw-sim/(demo|bin)/|test/|bench/)' },
      to: { path: '^src/app/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'faces-call-the-app-not-the-parts',
      comment: 'The faces (src/cli, src/api) use the app facade; at run time they import no driver, settlement or ledger code.',
      severity: 'error',
      from: { path: '^src/(cli|api)/' },
      to: { path: '^src/(drivers|settlement|payments|provisioning|terminal)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'twins-use-no-driver-internals',
      comment: "hw-sim speaks the devices' protocols from the device side; of src/drivers it may use only the transport's binding contracts.",
      severity: 'error',
      from: { path: '^hw-sim/' },
      to: { path: '^src/drivers/', pathNot: '^src/drivers/transport/(device-endpoint|sim-bus|sim-hid-bus|wire-pacer)\\.ts$' },
    },
    {
      name: 'src-never-imports-hw-sim-tests-or-benches',
      comment: 'Production code never depends on the simulator, the tests or the benches.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(hw-sim|test|bench)/' },
    },
    {
      name: 'no-cycles-in-src',
      comment: 'Modules of src/ do not import each other in a circle.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
