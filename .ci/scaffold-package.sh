#!/usr/bin/env bash
# Creates the standard skeleton of a workspace package or service: scaffold-package.sh packages/geo "description"
set -euo pipefail
dir=$1; desc=${2:-}
name=@ecogrid/$(basename "$dir")
mkdir -p "$dir/src"
[ -f "$dir/package.json" ] || cat > "$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "main": "./dist/index.js",
  "types": "./dist/index.d.ts",
  "exports": {
    ".": {
      "@ecogrid/source": "./src/index.ts",
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc -p tsconfig.json",
    "lint": "eslint src",
    "test": "vitest run --project unit"
  }
}
JSON
[ -f "$dir/tsconfig.json" ] || cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": ["src", "test"]
}
JSON
[ -f "$dir/tsconfig.build.json" ] || cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "../../tsconfig.build.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/testing/**"]
}
JSON
[ -f "$dir/vitest.config.mts" ] || cat > "$dir/vitest.config.mts" <<TS
import { ecogridTestConfig } from '../../vitest.shared.mts';

export default ecogridTestConfig();
TS
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
echo "scaffolded $dir"
