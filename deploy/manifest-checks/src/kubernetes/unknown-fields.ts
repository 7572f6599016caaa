import { dirname, join } from 'node:path';
import ts from 'typescript';
import { isManifest, type Manifest } from '../yaml-documents';

/** The kubernetes-models interface of each built-in kind the manifests use. */
const TYPES: Record<string, { module: string; type: string }> = {
  'v1 ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1 Secret': { module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1 Service': { module: 'kubernetes-models/v1/Service', type: 'IService' },
  'apps/v1 Deployment': { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'autoscaling/v2 HorizontalPodAutoscaler': { module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', type: 'IHorizontalPodAutoscaler' },
  'networking.k8s.io/v1 NetworkPolicy': { module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', type: 'INetworkPolicy' },
  'policy/v1 PodDisruptionBudget': { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', type: 'IPodDisruptionBudget' },
};

/**
 * Fields the Kubernetes API does not know, in built-in objects. The OpenAPI schemas kubernetes-models validates
 * against allow unknown fields, so `imagePullPolcy` would pass them; its TypeScript interfaces do not: each object
 * is written as an object literal of its kind's interface into a virtual module and compiled, and TypeScript's
 * excess-property check names every field the interface lacks, at any depth (the API server's strict field
 * validation refuses the same). Other type errors are left to validateKubernetesObject.
 */
export function unknownFieldProblems(objects: readonly Manifest[]): string[] {
  const typed = objects.filter((object) => TYPES[`${String(object.apiVersion)} ${String(object.kind)}`]);
  if (typed.length === 0) return [];
  const ids: string[] = [];
  const lines: string[] = [];
  const imports = new Set<string>();
  const starts: number[] = [];
  typed.forEach((object, index) => {
    const { module, type } = TYPES[`${String(object.apiVersion)} ${String(object.kind)}`]!;
    imports.add(`import type { ${type} } from '${module}';`);
    ids.push(`${String(object.kind)}/${String(isManifest(object.metadata) ? object.metadata.name : '?')}`);
    starts.push(lines.length);
    lines.push(...`export const object${index}: ${type} = ${JSON.stringify(object, null, 1)};`.split('\n'));
  });
  const header = [...imports];
  const text = [...header, ...lines].join('\n');
  // A module that exists only in memory, placed in this package so that kubernetes-models resolves from here.
  const file = join(dirname(__filename), '__built-manifests__.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) => (name === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, onError));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? text : readFile(name));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
    // An interface that does not resolve would make every object `any` and hide every field: that fails.
    if (diagnostic.code === 2307 || diagnostic.code === 2305 || diagnostic.code === 2724) {
      problems.push(`cannot check unknown fields: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
      continue;
    }
    // 2353: "Object literal may only specify known properties"; 2561: the same, with a "did you mean".
    if (diagnostic.code !== 2353 && diagnostic.code !== 2561) continue;
    const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line - header.length;
    let index = starts.length - 1;
    while (index > 0 && starts[index]! > line) index -= 1;
    problems.push(`${ids[index]}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
  }
  return problems.sort();
}
