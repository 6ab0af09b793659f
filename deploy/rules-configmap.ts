/**
 * Renders k8s/rules-configmap.yaml from rules/default.yaml and stamps the rules' SHA-256 on the pod templates of the
 * Deployments that read them (the service and the digest stage; annotation `checksum/rules`), so that `kubectl apply`
 * after a rules change rolls the pods as one deliberate step (both also reload a changed file by themselves, once the
 * kubelet has synced the ConfigMap).
 *
 *   npx tsx deploy/rules-configmap.ts          # rewrite the three files after editing rules/default.yaml
 *
 * test/unit/k8s-manifests.test.ts fails while any of these files is out of step with rules/default.yaml.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';

export const RULES_CONFIGMAP_NAME = 'tidewatch-rules';
/** The key inside the ConfigMap, i.e. the file name under the mount path. */
export const RULES_CONFIGMAP_KEY = 'default.yaml';
/** Pod template annotation carrying the SHA-256 of the rules text. */
export const RULES_CHECKSUM_ANNOTATION = 'checksum/rules';

const repoFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
export const paths = {
  rules: repoFile('rules/default.yaml'),
  configMap: repoFile('k8s/rules-configmap.yaml'),
  deployment: repoFile('k8s/deployment.yaml'),
  digestDeployment: repoFile('k8s/digest-deployment.yaml'),
};

export function rulesChecksum(rulesText: string): string {
  return createHash('sha256').update(rulesText, 'utf8').digest('hex');
}

/** The ConfigMap manifest, byte for byte, for the given rules text. */
export function renderRulesConfigMap(rulesText: string): string {
  const header = [
    '# GENERATED from rules/default.yaml by `npx tsx deploy/rules-configmap.ts`: do not edit by hand.',
    '# Mounted by k8s/deployment.yaml at /etc/tidewatch/rules; TIDEWATCH_RULES_FILE points at the file in it.',
    `# sha256 of the rules: ${rulesChecksum(rulesText)}`,
  ].join('\n');
  const manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: RULES_CONFIGMAP_NAME,
      labels: { 'app.kubernetes.io/name': 'tidewatch', 'app.kubernetes.io/component': 'stream-processor' },
    },
    data: { [RULES_CONFIGMAP_KEY]: rulesText },
  };
  // literal block scalar, never folded: the rules stay readable in the manifest and round-trip exactly
  return `${header}\n${stringify(manifest, { blockQuote: 'literal', lineWidth: 0 })}`;
}

const annotationLine = new RegExp(`^(\\s*${RULES_CHECKSUM_ANNOTATION.replace('/', '\\/')}:\\s*)"?[0-9a-f]*"?\\s*$`, 'm');

/** The Deployment manifest text with its rules checksum annotation set to `checksum`. */
export function stampRulesChecksum(deploymentText: string, checksum: string): string {
  if (!annotationLine.test(deploymentText)) {
    throw new Error(`k8s/deployment.yaml has no "${RULES_CHECKSUM_ANNOTATION}:" annotation line to stamp`);
  }
  return deploymentText.replace(annotationLine, `$1"${checksum}"`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rulesText = readFileSync(paths.rules, 'utf8');
  writeFileSync(paths.configMap, renderRulesConfigMap(rulesText));
  for (const deployment of [paths.deployment, paths.digestDeployment]) {
    writeFileSync(deployment, stampRulesChecksum(readFileSync(deployment, 'utf8'), rulesChecksum(rulesText)));
  }
  process.stdout.write(`wrote ${paths.configMap} and stamped ${paths.deployment}, ${paths.digestDeployment} (sha256 ${rulesChecksum(rulesText)})\n`);
}
