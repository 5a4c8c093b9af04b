import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared.js';

export default defineConfig({
  ...libraryBuild,
  // The RSA engines are separate files so the package's `#rsa-engine` import map can pick one per
  // runtime (node:crypto on Node, WebCrypto elsewhere) at resolution time. `internal` is the
  // sibling-packages-only entry (`@zhima/core/internal`, outside semver).
  entry: { index: 'src/index.ts', internal: 'src/internal.ts', 'rsa-engine': 'src/crypto/rsa-engine.ts', 'node/rsa-engine': 'src/node/rsa-engine.ts' },
  external: ['#rsa-engine'],
  dts: { entry: { index: 'src/index.ts', internal: 'src/internal.ts' } },
});
